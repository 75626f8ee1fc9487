package import NIOCore

/// Commands as Redis takes them: an array of bulk strings (RESP2), arguments binary-safe.
package enum RESPEncoding {
    /// Appends `arguments` (the command name first) to `buffer` as `*N\r\n$len\r\narg\r\n…`.
    package static func writeCommand(_ arguments: [ByteBuffer], to buffer: inout ByteBuffer) {
        buffer.writeStaticString("*")
        buffer.writeString(String(arguments.count))
        buffer.writeStaticString("\r\n")
        for argument in arguments {
            buffer.writeStaticString("$")
            buffer.writeString(String(argument.readableBytes))
            buffer.writeStaticString("\r\n")
            var argument = argument
            buffer.writeBuffer(&argument)
            buffer.writeStaticString("\r\n")
        }
    }
}
