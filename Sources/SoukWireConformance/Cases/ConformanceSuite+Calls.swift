import SoukWire

/// PROTOCOL.md §9 (the protobuf blocks and metadata) and §10 (deadlines).
extension ConformanceSuite {
    static let calls: [ConformanceCase] = [
        ConformanceCase(
            "9/1",
            "the server's HEADERS and TRAILERS are canonical encodings with valid metadata",
            claims: [
                .init("9", "Encoders MUST write fields in field-number order, omit fields holding the proto3 default"),
                .init("9", "A sender MUST NOT send such entries"),
            ]
        ) { context in
            let session = try await context.session()
            let response = try await session.unary(
                1,
                method: TestMethod.emptyCall,
                message: [],
                entries: [
                    ProtobufWriter.textEntry("x-grpc-test-echo-initial", "first"),
                    ProtobufWriter.binaryEntry("x-grpc-test-echo-trailing-bin", [0, 1, 0xFF]),
                ]
            )
            if let head = response.head {
                let metadata = try ProtobufReader.responseHead(head)
                guard ProtobufReader.canonicalResponseHead(metadata) == head else {
                    throw CaseFailure(expected: "a canonical ResponseHead", seen: "\(head)")
                }
                try ConformanceSuite.checkEntries(metadata)
            }
            if let trailers = response.trailers, let frame = response.frames.last {
                guard ProtobufReader.canonical(trailers) == frame.payload else {
                    throw CaseFailure(expected: "canonical Trailers", seen: "\(frame)")
                }
                try ConformanceSuite.checkEntries(trailers.metadata)
            }
        },
        ConformanceCase(
            "9/2",
            "a RequestHead in any valid encoding, with unknown fields, is accepted",
            claims: [
                .init("9", "Decoders MUST accept any valid protobuf encoding of these messages and skip unknown fields")
            ]
        ) { context in
            let session = try await context.session()
            // Metadata first, an explicit timeout of 0, unknown varint, length-delimited and fixed fields, the
            // method twice (the last wins).
            let head =
                ProtobufWriter.bytesField(3, ProtobufWriter.varintField(9, 1) + ProtobufWriter.textEntry("x-a", "b"))
                + ProtobufWriter.varintField(2, 0) + ProtobufWriter.varintField(15, 300)
                + ProtobufWriter.bytesField(1, Array("/nothing/Here".utf8)) + ProtobufWriter.bytesField(12, [1, 2, 3])
                + [0x75, 1, 2, 3, 4] + ProtobufWriter.bytesField(1, Array(TestMethod.echo.utf8))
            session.send(
                RawFrame.frame(.headers, stream: 1, payload: head)
                    + RawFrame.data(
                        stream: 1,
                        flags: FrameFlag.endMessage | FrameFlag.endStream,
                        payload: [0x0A, 1, 0x33]
                    )
            )
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 0, response.messages == [[0x0A, 1, 0x33]] else {
                throw CaseFailure(expected: "the echo, status 0", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "9/3",
            "a metadata entry with neither value is read as empty text",
            claims: [.init("9", "receivers MUST read a missing value as empty text")]
        ) { context in
            let session = try await context.session()
            let entry = ProtobufWriter.bytesField(1, Array("x-grpc-test-echo-initial".utf8))
            let response = try await session.unary(1, method: TestMethod.emptyCall, message: [], entries: [entry])
            let metadata = try response.head.map(ProtobufReader.responseHead) ?? []
            guard metadata.count == 1, metadata[0].key == "x-grpc-test-echo-initial", metadata[0].value == .text("")
            else {
                throw CaseFailure(
                    expected: "x-grpc-test-echo-initial echoed with an empty text value",
                    seen: "\(metadata)"
                )
            }
        },
        ConformanceSuite.malformedHead(
            "9/4",
            "an upper-case metadata key is a stream error INTERNAL",
            [ProtobufWriter.textEntry("X-Upper", "v")]
        ),
        ConformanceSuite.malformedHead(
            "9/5",
            "a text value under a -bin key is a stream error INTERNAL",
            [ProtobufWriter.textEntry("x-data-bin", "v")]
        ),
        ConformanceSuite.malformedHead(
            "9/6",
            "a text value with a control byte is a stream error INTERNAL",
            [ProtobufWriter.textEntry("x-a", "a\u{1}")]
        ),
        ConformanceCase(
            "9/7",
            "an undecodable RequestHead is a stream error INTERNAL",
            claims: [.init("16.3", "Undecodable HEADERS/TRAILERS protobuf")]
        ) { context in
            let session = try await context.session()
            session.send(RawFrame.frame(.headers, flags: FrameFlag.endStream, stream: 1, payload: [0x0A, 0x7F, 0x41]))
            try await session.expectCancel(1, code: 13)
        },
        ConformanceCase(
            "9/8",
            "an unknown method is answered with trailers-only UNIMPLEMENTED",
            claims: [.init("9", "An unknown or malformed method is answered with trailers-only UNIMPLEMENTED")]
        ) { context in
            let session = try await context.session()
            let response = try await session.unary(1, method: "/no.such.Service/Method", message: [], code: 12)
            guard response.frames.count == 1 else {
                throw CaseFailure(expected: "TRAILERS alone", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "10/1",
            "when the deadline passes the server ends the call with DEADLINE_EXCEEDED \"deadline exceeded\"",
            claims: [.init("10", "sends TRAILERS with DEADLINE_EXCEEDED (4) and message deadline exceeded")]
        ) { context in
            let session = try await context.session()
            session.send(
                RawFrame.headers(stream: 1, method: TestMethod.sleep, timeoutMicroseconds: 100_000)
                    + RawFrame.data(
                        stream: 1,
                        flags: FrameFlag.endMessage | FrameFlag.endStream,
                        payload: ProtobufWriter.sleepRequest(milliseconds: 60_000)
                    )
            )
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 4, response.trailers?.message == "deadline exceeded" else {
                throw CaseFailure(expected: "TRAILERS 4 \"deadline exceeded\"", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "10/2",
            "a timeout the server's clock cannot represent means no deadline",
            claims: [.init("10", "a value its clock cannot represent means no deadline")]
        ) { context in
            let session = try await context.session()
            session.send(
                RawFrame.headers(stream: 1, method: TestMethod.echo, timeoutMicroseconds: UInt64.max)
                    + RawFrame.data(stream: 1, flags: FrameFlag.endMessage | FrameFlag.endStream, payload: [])
            )
            let response = try await session.readResponse(1)
            guard response.trailers?.code == 0 else {
                throw CaseFailure(expected: "status 0", seen: "\(response.frames)")
            }
        },
        ConformanceCase(
            "11/1",
            "a failed call ends with TRAILERS carrying the code and the UTF-8 message byte for byte",
            claims: [.init("11", "Trailers.message is UTF-8 carried byte-exact")]
        ) { context in
            let session = try await context.session()
            let text = "nicht gefunden: 100% ✓ «ok»"
            let status = ProtobufWriter.varintField(1, 5) + ProtobufWriter.bytesField(2, Array(text.utf8))
            let response = try await session.unary(
                1,
                method: TestMethod.unaryCall,
                message: ProtobufWriter.bytesField(3, status),
                code: 5
            )
            guard response.trailers?.message == text, response.messages.isEmpty else {
                throw CaseFailure(expected: "TRAILERS 5 \"\(text)\" and no message", seen: "\(response.frames)")
            }
        },
    ]

    private static func malformedHead(_ id: String, _ title: String, _ entries: [[UInt8]]) -> ConformanceCase {
        ConformanceCase(
            id,
            title,
            claims: [
                .init(
                    "9",
                    "An entry with an invalid key, a value kind that does not match its key, or a text value outside"
                ),
                .init("16.3", "malformed metadata"),
            ]
        ) { context in
            let session = try await context.session()
            session.send(RawFrame.unary(stream: 1, method: TestMethod.echo, message: [], entries: entries))
            try await session.expectCancel(1, code: 13)
        }
    }

    private static func checkEntries(_ entries: [(key: String, value: WireMetadataValue)]) throws {
        for (key, value) in entries {
            let validKey =
                !key.isEmpty
                && key.utf8.allSatisfy {
                    (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
                }
            let validValue: Bool
            switch value {
            case .text(let text):
                validValue = !key.hasSuffix("-bin") && text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
            case .binary: validValue = key.hasSuffix("-bin")
            }
            guard validKey, validValue else {
                throw CaseFailure(expected: "valid metadata entries (§9)", seen: "\(key): \(value)")
            }
        }
    }
}
