package import GRPCCore

/// The `code` label of a finished call: the gRPC canonical name of its status (`OK`, `PERMISSION_DENIED`, …).
package enum StatusLabel {
    /// The canonical names, indexed by status code number.
    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The label of `code`; nil is OK.
    package static func name(of code: RPCError.Code?) -> String {
        guard let code else { return "OK" }
        return Self.names.indices.contains(code.rawValue) ? Self.names[code.rawValue] : "UNKNOWN"
    }

    /// The status a call that ended with `error` reports, as GRPCCore maps it: an ``GRPCCore/RPCError``'s code, an
    /// ``GRPCCore/RPCErrorConvertible``'s code, a task cancellation as CANCELLED, anything else UNKNOWN.
    package static func code(of error: any Error) -> RPCError.Code {
        switch error {
        case let error as RPCError: return error.code
        case let error as any RPCErrorConvertible: return error.rpcErrorCode
        case is CancellationError: return .cancelled
        default: return .unknown
        }
    }
}
