/// An error creating or loading TLS material.
package struct TLSError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case unreadable
            case invalid
            case unwritable
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A certificate or key file is missing or unreadable.
        package static let unreadable = Self(.unreadable)
        /// A certificate or key file does not hold what it should.
        package static let invalid = Self(.invalid)
        /// The TLS folder cannot be written.
        package static let unwritable = Self(.unwritable)

        package var description: String { String(describing: self.wrapped) }
    }

    /// The kind of failure.
    package var code: Code
    /// What happened and which file, safe to log (never key material).
    package var message: String
    /// The underlying error.
    package var cause: (any Error)?

    /// Creates an error.
    package init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    package var description: String {
        if let cause = self.cause { return "\(self.message) (cause: \(cause))" }
        return self.message
    }
}
