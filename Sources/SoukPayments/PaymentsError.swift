package import GRPCCore
import SoukPaymentProviders

/// Errors of the payments domain, each with the status a caller gets and the offending field or provider named.
package struct PaymentsError: Error, CustomStringConvertible, Sendable, RPCErrorConvertible {
    package var code: RPCError.Code
    package var message: String

    package init(_ code: RPCError.Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func invalidArgument(_ message: String) -> Self { Self(.invalidArgument, message) }
    static func notFound(_ message: String) -> Self { Self(.notFound, message) }
    static func failedPrecondition(_ message: String) -> Self { Self(.failedPrecondition, message) }

    /// A provider's refusal as the caller sees it: unavailable (retry with the same key) for an outage, failed
    /// precondition for a refusal, the provider and its field named.
    static func provider(_ error: ProviderError, doing what: String) -> Self {
        let field = error.param.map { " (\($0))" } ?? ""
        switch error.code {
        case .unavailable:
            return Self(
                .unavailable,
                "\(error.provider) did not answer while \(what); retry with the same key: \(error.message)"
            )
        case .misconfigured:
            return Self(.unavailable, "\(error.provider) refused the shop's keys while \(what); tell the operator")
        case .notFound:
            return Self(
                .failedPrecondition,
                "\(error.provider) has no such object\(field) while \(what): \(error.message)"
            )
        default:
            return Self(.failedPrecondition, "\(error.provider) refused\(field) while \(what): \(error.message)")
        }
    }

    package var rpcErrorCode: RPCError.Code { self.code }
    package var rpcErrorMessage: String { self.message }
    package var description: String { "\(self.code): \(self.message)" }
}
