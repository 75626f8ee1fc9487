import GRPCCore

/// Why a benchmark run stopped; the run never reports a figure built on errors.
package enum BenchError: Error, CustomStringConvertible, Equatable {
    /// A wire could not be reached or refused the connection (bad certificate, nothing listening).
    case unreachable(wire: String, cause: String)
    /// Calls failed during a scenario.
    case callsFailed(failed: Int, completed: Int, cause: String)
    /// A call returned something other than what was asked for.
    case wrongAnswer(String)
    /// The server process could not be started or died.
    case server(String)
    /// A helper program (the C client, the floor) failed or printed no result.
    case externalTool(tool: String, message: String)
    /// A flag or combination of flags is invalid.
    case usage(String)
    /// A scenario stopped on one wire; `cause` says why.
    case scenarioFailed(scenario: String, wire: String, cause: String)

    package var description: String {
        switch self {
        case .unreachable(let wire, let cause):
            "cannot reach \(wire): \(cause)"
        case .callsFailed(let failed, let completed, let cause):
            "\(failed) call(s) failed (\(completed) had completed in the window); first failure: \(cause)"
        case .wrongAnswer(let message):
            "wrong answer: \(message)"
        case .server(let message):
            "server: \(message)"
        case .externalTool(let tool, let message):
            "\(tool): \(message)"
        case .usage(let message):
            message
        case .scenarioFailed(let scenario, let wire, let cause):
            "\(scenario) over \(wire): \(cause)"
        }
    }

    /// A one-line description of any error a call may throw.
    package static func describe(_ error: any Error) -> String {
        if let rpc = error as? RPCError {
            var text = "\(rpc.code): \(rpc.message)"
            if let cause = rpc.cause { text += " (\(cause))" }
            return text
        }
        return String(describing: error)
    }
}
