/// What a client must, or must not, send back in a client case, checked on the frames the misbehaving server
/// recorded.
package enum ClientFrameRule: Sendable, CustomStringConvertible {
    /// A GOAWAY with this error code (§16.2).
    case sendsGoAway(code: UInt32)
    /// A CANCEL with one of these status codes.
    case sendsCancel(codes: Set<UInt32>)
    /// No CANCEL at all.
    case sendsNoCancel
    /// No GOAWAY with an error code other than NO_ERROR (the connection survives).
    case sendsNoErrorGoAway
    /// A PING ACK (the connection is still served).
    case answersPing
    /// Exactly this many HEADERS (streams opened).
    case opensStreams(Int)

    /// Whether `frames` obey the rule.
    package func holds(for frames: [SeenFrame]) -> Bool {
        switch self {
        case .sendsGoAway(let code):
            return frames.contains { $0.goAway?.code == code }
        case .sendsCancel(let codes):
            return frames.contains { $0.cancelCode.map(codes.contains) == true }
        case .sendsNoCancel:
            return !frames.contains { $0.kind == .cancel }
        case .sendsNoErrorGoAway:
            return !frames.contains { ($0.goAway?.code ?? ErrorCodeName.noError) != ErrorCodeName.noError }
        case .answersPing:
            return frames.contains { $0.kind == .ping && $0.has(FrameFlag.ack) }
        case .opensStreams(let count):
            return frames.filter { $0.kind == .headers }.count == count
        }
    }

    package var description: String {
        switch self {
        case .sendsGoAway(let code): "GOAWAY(\(ErrorCodeName.name(code)))"
        case .sendsCancel(let codes): "CANCEL(\(codes.sorted().map(String.init).joined(separator: " or ")))"
        case .sendsNoCancel: "no CANCEL"
        case .sendsNoErrorGoAway: "no GOAWAY with an error code"
        case .answersPing: "a PING ACK"
        case .opensStreams(let count): "exactly \(count) HEADERS"
        }
    }
}
