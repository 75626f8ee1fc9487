package import GRPCCore

/// Errors of the reporting domain, each with the status a caller gets and the offending field named.
package struct ReportingError: Error, CustomStringConvertible, Sendable, RPCErrorConvertible {
    package var code: RPCError.Code
    package var message: String

    package init(_ code: RPCError.Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func invalidArgument(_ message: String) -> Self { Self(.invalidArgument, message) }

    package var rpcErrorCode: RPCError.Code { self.code }
    package var rpcErrorMessage: String { self.message }
    package var description: String { "\(self.code): \(self.message)" }
}
