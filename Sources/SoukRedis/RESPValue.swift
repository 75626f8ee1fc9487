package import NIOCore

/// One value of the Redis serialization protocol, version 2 (RESP2): what Redis answers.
package enum RESPValue: Sendable, Hashable {
    /// `+OK`: a short status line.
    case simpleString(String)
    /// `-ERR …`: the server refused the command; the text says why.
    case error(String)
    /// `:42`: a signed 64-bit integer.
    case integer(Int64)
    /// `$5\r\nhello`: binary-safe bytes; `$-1` (nil) is an absent value.
    case bulkString(ByteBuffer?)
    /// `*2\r\n…`: values in order; `*-1` (nil) is an absent array.
    case array([RESPValue]?)

    /// The bytes of a bulk or simple string as UTF-8 text; nil for anything else, an absent value included.
    package var text: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let bytes?): return String(buffer: bytes)
        case .bulkString(nil), .error, .integer, .array: return nil
        }
    }

    /// Whether this is an absent bulk string or array (`$-1`, `*-1`).
    package var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): return true
        case .simpleString, .error, .integer, .bulkString, .array: return false
        }
    }
}
