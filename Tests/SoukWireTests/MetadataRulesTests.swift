import GRPCCore
import NIOCore
import SoukAPI
import Testing

@testable import SoukWire

/// PROTOCOL.md §9's metadata rules on both sides: what a receiver refuses or drops, and what a sender writes.
@Suite("Metadata rules (§9)")
struct MetadataRulesTests {
    /// A request head carrying one entry of `key` and `value`, encoded as any encoder would.
    static func head(key: String, value: WireMetadataValue) -> ByteBuffer {
        var buffer = ByteBuffer()
        WireProtobuf.write(
            WireProtobuf.RequestHead(
                method: "/souk.testing.v1.TestService/Echo",
                timeoutMicroseconds: 0,
                metadata: [(key, value)]
            ),
            to: &buffer
        )
        return buffer
    }

    @Test(
        "§9, §16.3 #12: an invalid key, a value kind its key does not ask for, or text outside 0x20-0x7E is malformed",
        arguments: [
            ("Authorization", WireMetadataValue.text("Bearer x")),
            ("a key", .text("x")),
            ("", .text("x")),
            ("trace-bin", .text("text under a -bin key")),
            ("trace", .binary([1, 2])),
            ("note", .text("tab\there")),
            ("note", .text("привет")),
        ]
    )
    func malformed(key: String, value: WireMetadataValue) {
        #expect(throws: WireDecodingError.self) {
            _ = try WireProtobuf.readRequestHead(Self.head(key: key, value: value))
        }
    }

    @Test("§9: valid entries pass; reserved keys are dropped, not refused")
    func accepted() throws {
        for (key, value) in [
            ("authorization", WireMetadataValue.text("Bearer a.b-c_d~ !\"#")), ("x-trace.id_2", .text("")),
            ("trace-bin", .binary([0, 255])),
        ] {
            let head = try WireProtobuf.readRequestHead(Self.head(key: key, value: value))
            #expect(head.metadata.count == 1 && head.metadata[0].key == key && head.metadata[0].value == value)
        }
        for key in [":authority", "grpc-timeout", "te", "content-type"] {
            #expect(try WireProtobuf.readRequestHead(Self.head(key: key, value: .text("x"))).metadata.isEmpty)
        }
    }

    @Test("§9: a sender lower-cases keys and leaves out what the wire cannot carry, naming it")
    func sender() {
        var metadata = Metadata()
        metadata.addString("Bearer t", forKey: "Authorization")
        metadata.addString("x", forKey: "te")
        metadata.addString("no\nnewlines", forKey: "note")
        metadata.addBinary([1], forKey: "trace-bin")
        // GRPCCore itself refuses a binary value under another key (an assertion), so only text can be misplaced.
        metadata.addString("text", forKey: "wrong-bin")
        var dropped: [String] = []
        let entries = MetadataCoding.entries(metadata) { dropped.append($0) }
        #expect(entries.map(\.key) == ["authorization", "trace-bin"])
        #expect(dropped == ["note", "wrong-bin"])
    }
}

@Suite("Metadata rules (§9) over a real connection")
struct MetadataOverTheWireTests {
    @Test(
        "request metadata the wire cannot carry fails its call INVALID_ARGUMENT naming the key; the connection goes on"
    )
    func unsendable() async throws {
        try await withSWPClient { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            var metadata = Metadata()
            metadata.addString("привет", forKey: "greeting")
            let error = await #expect(throws: RPCError.self) {
                try await test.emptyCall(Souk_Testing_V1_Empty(), metadata: metadata)
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("greeting") == true, "\(error?.message ?? "")")
            var upper = Metadata()
            upper.addString("fine", forKey: "X-Upper-Case")
            _ = try await test.emptyCall(Souk_Testing_V1_Empty(), metadata: upper)
        }
    }
}
