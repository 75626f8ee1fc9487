package import PostgresNIO

/// A PostgreSQL SQLSTATE code (Appendix A of the PostgreSQL manual), named for the codes Souk acts on, so a
/// store says `SQLState(of: error) == .uniqueViolation` instead of comparing strings.
package struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The five characters, such as `23505`.
    package var rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// 23505: a unique index or constraint already has the value.
    package static let uniqueViolation = SQLState(rawValue: "23505")
    /// 23503: the referenced row does not exist (or a referencing row still does).
    package static let foreignKeyViolation = SQLState(rawValue: "23503")
    /// 23514: a CHECK constraint failed.
    package static let checkViolation = SQLState(rawValue: "23514")
    /// 57P01: the server is shutting down (an administrator's command).
    package static let adminShutdown = SQLState(rawValue: "57P01")
    /// 57P02: the server is shutting down after another process crashed.
    package static let crashShutdown = SQLState(rawValue: "57P02")
    /// 57P03: the server is starting up or otherwise not accepting connections yet.
    package static let cannotConnectNow = SQLState(rawValue: "57P03")

    /// The state the server reported with `error`, looking inside a `PostgresTransactionError` (at the error its
    /// closure threw, else at its COMMIT's); nil for any other error, or an error the server did not send.
    package init?(of error: any Error) {
        var error = error
        if let transaction = error as? PostgresTransactionError {
            guard let inner = transaction.closureError ?? transaction.commitError else { return nil }
            error = inner
        }
        guard let error = error as? PSQLError, let code = error.serverInfo?[.sqlState] else { return nil }
        self.init(rawValue: code)
    }

    /// Class 08, connection exception: the connection failed or was lost.
    package var isConnectionException: Bool {
        self.rawValue.hasPrefix("08")
    }

    package var description: String { self.rawValue }
}

extension PostgresTransactionError {
    /// What went wrong: the error the transaction's closure threw (the transaction was rolled back), or this error
    /// itself when BEGIN or COMMIT failed. A store rethrows it so its callers see its own errors unwrapped.
    package var underlyingError: any Error {
        self.closureError ?? self
    }
}
