package import PostgresNIO

/// The rows of a query read in full, so that its pooled connection could go back before they are used.
///
/// An `AsyncSequence` of `PostgresRow`: PostgresNIO's `decode(_:)` on row sequences applies to it as to a
/// `PostgresRowSequence`.
package struct CollectedRows: AsyncSequence, Sendable {
    package typealias Element = PostgresRow

    /// The rows, in the order the server sent them.
    package let rows: [PostgresRow]

    package init(_ rows: [PostgresRow]) {
        self.rows = rows
    }

    package func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(rows: self.rows.makeIterator())
    }

    package struct AsyncIterator: AsyncIteratorProtocol {
        var rows: IndexingIterator<[PostgresRow]>

        package mutating func next() async throws -> PostgresRow? {
            self.rows.next()
        }
    }
}
