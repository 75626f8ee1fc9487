import NIOCore
import SoukRedis
import Testing

@Suite("RESP2 replies and commands as bytes")
struct RESPParserTests {
    static func parse(_ text: String, parser: RESPParser = RESPParser()) throws(RedisError) -> RESPValue? {
        var buffer = ByteBuffer(string: text)
        return try parser.parse(&buffer)
    }

    @Test(
        "every RESP2 type, absent values and nesting",
        arguments: [
            ("+OK\r\n", RESPValue.simpleString("OK")),
            ("-ERR unknown command 'X'\r\n", .error("ERR unknown command 'X'")),
            (":-42\r\n", .integer(-42)),
            ("$5\r\nhello\r\n", .bulkString(ByteBuffer(string: "hello"))),
            ("$0\r\n\r\n", .bulkString(ByteBuffer())),
            ("$-1\r\n", .bulkString(nil)),
            ("*-1\r\n", .array(nil)),
            ("*0\r\n", .array([])),
            (
                "*2\r\n*1\r\n:1\r\n$4\r\na\r\nb\r\n",
                .array([.array([.integer(1)]), .bulkString(ByteBuffer(string: "a\r\nb"))])
            ),
        ]
    )
    func types(text: String, expected: RESPValue) throws {
        var buffer = ByteBuffer(string: text)
        #expect(try RESPParser().parse(&buffer) == expected)
        #expect(buffer.readableBytes == 0, "the whole value is consumed")
    }

    @Test("a value arriving a byte at a time is nothing until its last byte, then itself; the next stays in place")
    func incremental() throws {
        let text = "*3\r\n$3\r\nfoo\r\n:7\r\n+bar\r\n:9\r\n"
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        for byte in text.utf8 {
            buffer.writeInteger(byte)
            let before = buffer.readableBytes
            if let value = try RESPParser().parse(&buffer) {
                values.append(value)
            } else {
                #expect(buffer.readableBytes == before, "an incomplete value consumes nothing")
            }
        }
        #expect(
            values == [
                .array([.bulkString(ByteBuffer(string: "foo")), .integer(7), .simpleString("bar")]), .integer(9),
            ]
        )
    }

    @Test(
        "bytes that are not RESP2 are a protocol violation saying what is wrong",
        arguments: [
            ("%1\r\n", "reply type byte 0x25"),
            (":12a\r\n", "integer reply '12a'"),
            ("$-2\r\n", "bulk string length '-2'"),
            ("$3\r\nabcde\r\n", "not ended by CRLF"),
            ("*x\r\n", "array length 'x'"),
            ("+OK\rX\n", "a CR not followed by LF"),
        ]
    )
    func violations(text: String, message: String) {
        let error = #expect(throws: RedisError.self) { _ = try Self.parse(text) }
        guard case .protocolViolation(let said) = error else {
            Issue.record("expected a protocol violation, got \(String(describing: error))")
            return
        }
        #expect(said.contains(message), "\(said)")
    }

    @Test("limits are checked from the length alone, before the bytes arrive")
    func limits() {
        var parser = RESPParser()
        parser.maximumBulkLength = 10
        parser.maximumArrayCount = 2
        parser.maximumDepth = 2
        parser.maximumLineLength = 8
        let cases = [
            ("$11\r\n", "bulk string of 11 bytes"),
            ("*3\r\n", "array of 3 elements"),
            ("*1\r\n*1\r\n*1\r\n:1\r\n", "nested deeper than 2"),
            ("+0123456789", "longer than 8 bytes"),
        ]
        for (text, message) in cases {
            let error = #expect(throws: RedisError.self) { _ = try Self.parse(text, parser: parser) }
            guard case .protocolViolation(let said) = error else {
                Issue.record("\(text): expected a protocol violation, got \(String(describing: error))")
                continue
            }
            #expect(said.contains(message), "\(said)")
        }
    }

    @Test("a command is an array of bulk strings, binary-safe")
    func command() {
        var buffer = ByteBuffer()
        RESPEncoding.writeCommand(
            [ByteBuffer(string: "SET"), ByteBuffer(string: "k"), ByteBuffer(bytes: [0, 13, 10])],
            to: &buffer
        )
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\u{0}\r\n\r\n")
    }
}

@Suite("Redis URLs")
struct RedisEndpointTests {
    @Test("redis:// with credentials, port and database; unix:// with a path; defaults")
    func parses() throws {
        let full = try RedisEndpoint(url: "redis://cache:s%40cret@10.0.0.5:6380/4")
        #expect(full.address == .tcp(host: "10.0.0.5", port: 6380))
        #expect(full.username == "cache")
        #expect(full.password == "s@cret")
        #expect(full.database == 4)
        #expect(!full.description.contains("s@cret") && !full.description.contains("cret"))
        let plain = try RedisEndpoint(url: "redis://localhost")
        #expect(plain.address == .tcp(host: "localhost", port: 6379))
        #expect(plain.password == nil && plain.database == 0)
        let socket = try RedisEndpoint(url: "unix:///var/run/redis.sock")
        #expect(socket.address == .unixSocket(path: "/var/run/redis.sock"))
    }

    @Test(
        "a bad URL names what is wrong and never shows the password",
        arguments: [
            ("redis://:hunter2@/0", "names no host"),
            ("redis://host:6379/x", "database 'x'"),
            ("http://host", "scheme 'http'"),
            ("unix://relative", "unix:///absolute/path"),
            ("redis://user@host", "a user without a password"),
            ("not a url", "is not a URL"),
        ]
    )
    func refuses(text: String, message: String) {
        let error = #expect(throws: RedisError.self) { _ = try RedisEndpoint(url: text) }
        guard case .badEndpoint(let said) = error else {
            Issue.record("expected badEndpoint, got \(String(describing: error))")
            return
        }
        #expect(said.contains(message), "\(said)")
        #expect(!said.contains("hunter2"))
    }
}
