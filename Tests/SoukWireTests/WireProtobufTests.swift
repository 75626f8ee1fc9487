import Foundation
import NIOCore
import SoukAPI
import SwiftProtobuf
import Testing

@testable import SoukWire

/// The hand-written codec of HEADERS and TRAILERS agrees with protoc's output for wire.proto.
@Suite("WireProtobuf against the generated souk.wire.v1 types")
struct WireProtobufTests {
    static let metadata: [(key: String, value: WireMetadataValue)] = [
        ("x-request-id", .text("42")), ("trace-bin", .binary([0, 1, 0xFF])), ("x-request-id", .text("43")),
    ]

    @Test("RequestHead encodes as SwiftProtobuf decodes it")
    func requestHeadEncoding() throws {
        let head = WireProtobuf.RequestHead(
            method: "/souk.testing.v1.TestService/Echo",
            timeoutMicroseconds: 5_000_000,
            metadata: Self.metadata
        )
        var buffer = ByteBuffer()
        WireProtobuf.write(head, to: &buffer)
        let decoded = try Souk_Wire_V1_RequestHead(serializedBytes: Array(buffer.readableBytesView))
        #expect(decoded.method == head.method)
        #expect(decoded.timeoutUs == 5_000_000)
        #expect(decoded.metadata.map(\.key) == ["x-request-id", "trace-bin", "x-request-id"])
        #expect(decoded.metadata[0].text == "42")
        #expect(decoded.metadata[1].binary == Data([0, 1, 0xFF]))
    }

    @Test("RequestHead decodes what SwiftProtobuf encodes, skipping unknown fields")
    func requestHeadDecoding() throws {
        var message = Souk_Wire_V1_RequestHead()
        message.method = "/a.B/C"
        message.timeoutUs = 1
        var entry = Souk_Wire_V1_MetadataEntry()
        entry.key = "k"
        entry.text = "v"
        message.metadata = [entry]
        var bytes: [UInt8] = try message.serializedBytes()
        bytes += [0xA0, 0x06, 0x01]  // field 100, varint 1: unknown to both
        let head = try WireProtobuf.readRequestHead(ByteBuffer(bytes: bytes))
        #expect(head.method == "/a.B/C")
        #expect(head.timeoutMicroseconds == 1)
        #expect(head.metadata.count == 1 && head.metadata[0].key == "k" && head.metadata[0].value == .text("v"))
    }

    @Test("Trailers round-trip byte-exact messages, including control characters and non-BMP text")
    func trailers() throws {
        let text = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
        var buffer = ByteBuffer()
        WireProtobuf.write(WireProtobuf.Trailers(code: 2, message: text, metadata: Self.metadata), to: &buffer)
        let generated = try Souk_Wire_V1_Trailers(serializedBytes: Array(buffer.readableBytesView))
        #expect(generated.code == 2)
        #expect(generated.message == text)
        let decoded = try WireProtobuf.readTrailers(buffer)
        #expect(decoded.message == text)
        #expect(decoded.metadata.count == 3)
    }

    @Test("an OK status with no message encodes as an empty payload", arguments: [UInt32(0)])
    func emptyTrailers(code: UInt32) {
        var buffer = ByteBuffer()
        WireProtobuf.write(WireProtobuf.Trailers(code: code, message: "", metadata: []), to: &buffer)
        #expect(buffer.readableBytes == 0)
    }

    @Test(
        "truncated or malformed payloads are refused",
        arguments: [
            [0x0A, 0x05, 0x61], [0x0A], [0x00],
            [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
        ]
    )
    func malformed(bytes: [UInt8]) {
        #expect(throws: WireDecodingError.self) { try WireProtobuf.readRequestHead(ByteBuffer(bytes: bytes)) }
    }
}
