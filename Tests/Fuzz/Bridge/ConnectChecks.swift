import Foundation

@testable import SoukBridge

/// What a well-formed Connect refusal looks like, checked on every error the harnesses see.
enum ConnectChecks {
    /// The codes of the Connect specification, by wire name.
    static let codeNames: Set<String> = [
        "canceled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists",
        "permission_denied", "resource_exhausted", "failed_precondition", "aborted", "out_of_range",
        "unimplemented", "internal", "unavailable", "data_loss", "unauthenticated",
    ]

    /// A refusal of the parsers: a known code that is not a server fault, and a message to show.
    static func check(_ error: ConnectError, _ context: @autoclosure () -> String) {
        precondition(Self.codeNames.contains(error.code.name), "\(context()): unknown code \(error.code)")
        precondition(!error.message.isEmpty, "\(context()): a \(error.code) error with no message")
        precondition(
            error.code != .internal && error.code != .unknown,
            "\(context()): a malformed request answered as a server fault: \(error.message)"
        )
        precondition((400...599).contains(error.httpStatus), "\(context()): HTTP status \(error.httpStatus)")
    }

    /// A Connect error body, `{"code":…,"message":…}`: returns the code; crashes if malformed.
    @discardableResult
    static func checkErrorBody(_ bytes: [UInt8], _ context: @autoclosure () -> String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let code = object["code"] as? String, let message = object["message"] as? String
        else {
            preconditionFailure("\(context()): not a Connect error body: \(String(decoding: bytes, as: UTF8.self))")
        }
        precondition(Self.codeNames.contains(code), "\(context()): unknown code \(code)")
        precondition(!message.isEmpty, "\(context()): a \(code) error body with no message")
        return code
    }

    /// A Connect stream's body: message envelopes (flags 0) and exactly one end-stream envelope (flags 2) last,
    /// whose JSON is `{}` or `{"error":{…}}`. Returns the error code, if any.
    @discardableResult
    static func checkStreamBody(_ bytes: [UInt8], _ context: @autoclosure () -> String) -> String? {
        var offset = 0
        while offset < bytes.count {
            precondition(bytes.count - offset >= 5, "\(context()): a stream body ends inside an envelope prefix")
            let flags = bytes[offset]
            let length = bytes[(offset + 1)..<(offset + 5)].reduce(0) { $0 << 8 | Int($1) }
            precondition(bytes.count - offset - 5 >= length, "\(context()): a stream envelope is cut short")
            let message = Array(bytes[(offset + 5)..<(offset + 5 + length)])
            offset += 5 + length
            if flags == 0 { continue }
            precondition(flags == 2, "\(context()): an envelope with flags \(flags) in a response")
            precondition(offset == bytes.count, "\(context()): envelopes after the end-stream envelope")
            guard let end = try? JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
                preconditionFailure("\(context()): the end-stream envelope is not a JSON object")
            }
            guard let error = end["error"] else { return nil }
            guard let body = error as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: body)
            else {
                preconditionFailure("\(context()): the end-stream error is not an object")
            }
            return Self.checkErrorBody(Array(data), context())
        }
        preconditionFailure("\(context()): a stream body with no end-stream envelope")
    }
}
