package import GRPCCore

/// Errors of the recommendations domain, each with the status a caller gets and the offending field, customer or
/// product named.
package struct RecommendationsError: Error, CustomStringConvertible, Sendable, RPCErrorConvertible {
    package var code: RPCError.Code
    package var message: String

    package init(_ code: RPCError.Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func invalidArgument(_ message: String) -> Self { Self(.invalidArgument, message) }
    static func notFound(_ message: String) -> Self { Self(.notFound, message) }
    static func permissionDenied(_ message: String) -> Self { Self(.permissionDenied, message) }

    package var rpcErrorCode: RPCError.Code { self.code }
    package var rpcErrorMessage: String { self.message }
    package var description: String { "\(self.code): \(self.message)" }
}
