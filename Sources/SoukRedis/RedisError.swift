/// Why a Redis command did not give an answer.
package enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection could be made, or it was lost before the answer came; the command may or may not have run.
    case unavailable(String)
    /// No answer within the command timeout; the connection is closed, since later answers would be out of order.
    case timedOut(String)
    /// Redis answered with an error reply (`-ERR …`, `-WRONGTYPE …`, `-NOAUTH …`).
    case server(String)
    /// The answer was not what the command returns.
    case unexpectedReply(String)
    /// The bytes from the server are not RESP.
    case protocolViolation(String)
    /// The endpoint setting cannot be used.
    case badEndpoint(String)

    package var description: String {
        switch self {
        case .unavailable(let message): return "Redis unavailable: \(message)"
        case .timedOut(let message): return "Redis timed out: \(message)"
        case .server(let message): return "Redis refused the command: \(message)"
        case .unexpectedReply(let message): return "unexpected Redis reply: \(message)"
        case .protocolViolation(let message): return "not RESP from Redis: \(message)"
        case .badEndpoint(let message): return "bad Redis URL: \(message)"
        }
    }
}
