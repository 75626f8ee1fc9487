package import GRPCCore

/// Errors of the identity service and its security pieces, each with the gRPC status a caller gets.
package struct IdentityError: Error, CustomStringConvertible, Sendable, RPCErrorConvertible {
    package var code: RPCError.Code
    package var message: String

    package init(_ code: RPCError.Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package static func invalidArgument(_ message: String) -> Self { Self(.invalidArgument, message) }
    package static func alreadyExists(_ message: String) -> Self { Self(.alreadyExists, message) }
    package static func notFound(_ message: String) -> Self { Self(.notFound, message) }
    package static func unauthenticated(_ message: String) -> Self { Self(.unauthenticated, message) }
    package static func permissionDenied(_ message: String) -> Self { Self(.permissionDenied, message) }
    package static func failedPrecondition(_ message: String) -> Self { Self(.failedPrecondition, message) }
    package static func resourceExhausted(_ message: String) -> Self { Self(.resourceExhausted, message) }

    /// The one message every failed login gets, whatever failed: it must not tell whether the email exists.
    package static let loginFailed = Self(.unauthenticated, "the email or password is wrong")

    package var rpcErrorCode: RPCError.Code { self.code }
    package var rpcErrorMessage: String { self.message }

    package var description: String { "\(self.code): \(self.message)" }
}
