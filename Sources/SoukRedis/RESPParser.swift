package import NIOCore

/// Reads RESP2 replies from bytes as they arrive: a whole value, or nothing until the rest is there.
///
/// Every length is checked before anything is kept: a bulk string over ``maximumBulkLength``, an array over
/// ``maximumArrayCount`` elements or nested deeper than ``maximumDepth``, or a line with no end within
/// ``maximumLineLength`` is a ``RedisError/protocolViolation(_:)``, as is a RESP3 type (this client never asks for
/// RESP3 with `HELLO 3`). An incomplete value is parsed again from its start when more bytes come: fine for the
/// short values a cache holds.
package struct RESPParser: Sendable {
    /// The longest bulk string accepted (Redis's own limit is 512 MiB).
    package var maximumBulkLength = 64 * 1024 * 1024
    /// The most elements of one array.
    package var maximumArrayCount = 1024 * 1024
    /// The deepest nesting of arrays.
    package var maximumDepth = 32
    /// The longest type line (`+…`, `-…`, `:…`, `$n`, `*n`) without its CRLF.
    package var maximumLineLength = 64 * 1024

    package init() {}

    /// The next whole value at the start of `buffer`, consumed; nil (and nothing consumed) while it is incomplete.
    package func parse(_ buffer: inout ByteBuffer) throws(RedisError) -> RESPValue? {
        var cursor = buffer.readerIndex
        guard let value = try self.value(in: buffer, at: &cursor, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: cursor)
        return value
    }

    private func value(in buffer: ByteBuffer, at cursor: inout Int, depth: Int) throws(RedisError) -> RESPValue? {
        guard depth <= self.maximumDepth else {
            throw .protocolViolation("arrays nested deeper than \(self.maximumDepth)")
        }
        guard cursor < buffer.writerIndex, let type = buffer.getInteger(at: cursor, as: UInt8.self) else { return nil }
        var next = cursor + 1
        guard let line = try self.line(in: buffer, at: &next) else { return nil }
        let value: RESPValue
        switch type {
        case UInt8(ascii: "+"):
            value = .simpleString(line)
        case UInt8(ascii: "-"):
            value = .error(line)
        case UInt8(ascii: ":"):
            guard let number = Int64(line) else { throw .protocolViolation("integer reply '\(line.prefix(32))'") }
            value = .integer(number)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1 else {
                throw .protocolViolation("bulk string length '\(line.prefix(32))'")
            }
            if length == -1 {
                value = .bulkString(nil)
                break
            }
            guard length <= self.maximumBulkLength else {
                throw .protocolViolation("bulk string of \(length) bytes, over \(self.maximumBulkLength)")
            }
            guard next + length + 2 <= buffer.writerIndex else { return nil }
            guard buffer.getInteger(at: next + length, as: UInt16.self) == Self.crlf else {
                throw .protocolViolation("bulk string of \(length) bytes not ended by CRLF")
            }
            value = .bulkString(buffer.getSlice(at: next, length: length))
            next += length + 2
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1 else {
                throw .protocolViolation("array length '\(line.prefix(32))'")
            }
            if count == -1 {
                value = .array(nil)
                break
            }
            guard count <= self.maximumArrayCount else {
                throw .protocolViolation("array of \(count) elements, over \(self.maximumArrayCount)")
            }
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let element = try self.value(in: buffer, at: &next, depth: depth + 1) else { return nil }
                elements.append(element)
            }
            value = .array(elements)
        default:
            throw .protocolViolation("reply type byte 0x\(String(type, radix: 16)) (RESP2 has + - : $ *)")
        }
        cursor = next
        return value
    }

    /// The text up to the next CRLF, with `cursor` moved past it; nil while the CRLF has not arrived.
    private func line(in buffer: ByteBuffer, at cursor: inout Int) throws(RedisError) -> String? {
        let view = buffer.readableBytesView
        let searchEnd = min(buffer.writerIndex, cursor + self.maximumLineLength + 2)
        var index = cursor
        while index + 1 < searchEnd {
            if view[index] == UInt8(ascii: "\r") {
                guard view[index + 1] == UInt8(ascii: "\n") else {
                    throw .protocolViolation("a CR not followed by LF in a reply line")
                }
                let text = buffer.getString(at: cursor, length: index - cursor) ?? ""
                cursor = index + 2
                return text
            }
            index += 1
        }
        if buffer.writerIndex - cursor > self.maximumLineLength + 1 {
            throw .protocolViolation("a reply line longer than \(self.maximumLineLength) bytes")
        }
        return nil
    }

    private static let crlf = UInt16(UInt8(ascii: "\r")) << 8 | UInt16(UInt8(ascii: "\n"))
}
