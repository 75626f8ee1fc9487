/// An error starting or running a Souk host; the message says what to change.
package struct HostError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case invalidConfiguration
            case portInUse
            case startFailed
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A setting has a value the host cannot use.
        package static let invalidConfiguration = Self(.invalidConfiguration)
        /// A listening port is already taken.
        package static let portInUse = Self(.portInUse)
        /// A part of the host failed to start.
        package static let startFailed = Self(.startFailed)

        package var description: String { String(describing: self.wrapped) }
    }

    /// The kind of failure.
    package var code: Code
    /// What happened and how to fix it, safe to print.
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
