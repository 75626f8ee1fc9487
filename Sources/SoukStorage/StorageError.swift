/// An error raised by the storage layer: the embedded cluster, the database URL, or migrations.
///
/// Messages are safe to log: they never contain passwords, SQL text or row data.
package struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case postgresNotInstalled
            case invalidDatabaseURL
            case clusterFailed
            case dataFolderUnusable
            case dataFolderTooNew
            case schemaTooNew
            case migrationFailed
            case connectionClosed
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The PostgreSQL server binaries (initdb, pg_ctl, postgres) could not be found.
        package static let postgresNotInstalled = Self(.postgresNotInstalled)
        /// `DATABASE_URL` could not be parsed.
        package static let invalidDatabaseURL = Self(.invalidDatabaseURL)
        /// initdb, pg_ctl start or pg_ctl stop failed.
        package static let clusterFailed = Self(.clusterFailed)
        /// The data folder cannot be created or used.
        package static let dataFolderUnusable = Self(.dataFolderUnusable)
        /// The cluster in the data folder was made by a newer PostgreSQL than the one installed.
        package static let dataFolderTooNew = Self(.dataFolderTooNew)
        /// The database holds migrations newer than this build knows: it belongs to a newer Souk.
        package static let schemaTooNew = Self(.schemaTooNew)
        /// A migration failed or an applied migration no longer matches its source.
        package static let migrationFailed = Self(.migrationFailed)
        /// The server had closed the connection before a statement could be sent on it.
        package static let connectionClosed = Self(.connectionClosed)

        package var description: String { String(describing: self.wrapped) }
    }

    /// The kind of failure.
    package var code: Code
    /// A human-readable explanation that says what to do.
    package var message: String
    /// The underlying error, if any.
    package var cause: (any Error)?

    /// Creates an error.
    package init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// A statement refused because its connection is closed (``Code/connectionClosed``).
    package static func connectionClosed() -> Self {
        Self(code: .connectionClosed, message: "the database connection is closed; the statement was not sent")
    }

    package var description: String {
        if let cause = self.cause {
            return "\(self.message) (cause: \(String(reflecting: cause)))"
        }
        return self.message
    }
}
