/// A case's verdict against the server: what PROTOCOL.md asks and what the server did instead.
package struct CaseFailure: Error, Sendable, CustomStringConvertible {
    /// What the case expected.
    package var expected: String
    /// What it saw instead.
    package var seen: String

    /// Creates a failure.
    package init(expected: String, seen: String) {
        self.expected = expected
        self.seen = seen
    }

    package var description: String { "expected \(self.expected); saw \(self.seen)" }
}
