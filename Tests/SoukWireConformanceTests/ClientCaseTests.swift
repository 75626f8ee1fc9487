import GRPCCore
import SoukWire
import SoukWireConformance
import Testing

/// Every client case of `swp-conformance serve` against SoukClient's SWP transport, in process: the scripted server
/// plays the case on the client's first connection, the client makes the case's calls at once, and the case's
/// verdict checks the status of each call and the frames the client sent back.
@Suite("swp-conformance's client cases against SoukClient's SWP transport", .timeLimit(.minutes(5)))
struct ClientCaseTests {
    /// Client cases SoukClient does not pass yet, each with the reason. Listed cases are expected to fail (a listed
    /// case that passes fails the test, so the list cannot rot).
    static let knownDisagreements: [String: String] = [:]
    /// Client cases that SoukClient failed now and then, each with what was seen; they are still run and reported,
    /// but a failure does not fail the suite until the cause is found and fixed.
    static let intermittent: [String: String] = [
        "16.3/c27": """
        seen once in a fresh-clone CI under load (the stream opened): after the deadline the client sent no \
        CANCEL and kept the connection open past the script's 30 s read, though the call ended \
        DEADLINE_EXCEEDED; not root-caused yet
        """
    ]

    @Test("the case passes", arguments: ClientSuite.all.map(\.id))
    func clientCase(_ id: String) async throws {
        var clientCase = try #require(ClientSuite.named(id))
        var problems: [String] = []
        var outcomes: [(code: UInt32, message: String)] = []
        // On a starved machine a call's deadline can pass before its stream opens: then the client rightly sends no
        // HEADERS at all, and a case about what it sends on an open stream saw nothing to judge. Such an attempt is
        // tried again with every deadline doubled (2 s up to 16 s); an attempt whose stream opened is judged.
        for attempt in 0..<4 {
            let run = try await Self.run(clientCase)
            (problems, outcomes) = (run.problems, run.outcomes)
            let starved =
                !problems.isEmpty && clientCase.calls.contains { $0.timeout != nil }
                && !run.frames.contains { $0.kind == .headers }
            guard starved, attempt < 3 else { break }
            clientCase.calls = clientCase.calls.map { call in
                var call = call
                call.timeout = call.timeout.map { $0 * 2 }
                return call
            }
        }
        if let reason = Self.knownDisagreements[id] {
            withKnownIssue("\(id): \(reason)") {
                #expect(problems.isEmpty, "\(id): \(problems)")
            }
        } else if let reason = Self.intermittent[id] {
            withKnownIssue("\(id): \(reason)", isIntermittent: true) {
                #expect(problems.isEmpty, "\(id): \(problems); the calls ended with \(outcomes)")
            }
        } else {
            #expect(problems.isEmpty, "\(id) \(clientCase.title): \(problems); the calls ended with \(outcomes)")
        }
    }

    /// Plays `clientCase` once against a new client: the verdict's problems, each call's status and the frames the
    /// client sent.
    private static func run(
        _ clientCase: ClientCase
    ) async throws -> (problems: [String], outcomes: [(code: UInt32, message: String)], frames: [SeenFrame]) {
        let server = try await ClientCaseServer.start { $0 == 0 ? clientCase : nil }
        defer { server.stop() }
        var config = SWPClientTransport.Config(host: "127.0.0.1", port: server.port, tls: nil)
        // Longer than the 10-second SETTINGS timeout, so case 3/c1 sees the client's own GOAWAY(SETTINGS_TIMEOUT).
        config.connectTimeout = .seconds(20)
        // No codec (case 12/c1), and a stream window under MAX_FRAME_SIZE (case 13/c1).
        config.settings.codecs = 0
        config.settings.initialStreamWindow = 16_384
        let outcomes = try await withGRPCClient(transport: SWPClientTransport(config: config)) { client in
            await withTaskGroup(of: (code: UInt32, message: String).self) { group in
                for call in clientCase.calls {
                    group.addTask {
                        // A call that waits for the server to have seen others' HEADERS: a generous bound, no speed.
                        for _ in 0..<3000 where server.headersSeen < call.startsAfterHeaders {
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                        return await Self.code(of: call, on: client)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        var served = server.served.makeAsyncIterator()
        let connection = try #require(await served.next(), "the case's connection never ended")
        var problems = clientCase.problems(codes: outcomes.map(\.code), frames: connection.frames)
        if let error = connection.error { problems.append("the script: \(error)") }
        return (problems, outcomes, connection.frames)
    }

    @Test("a client that breaks a case fails its verdict")
    func verdictCanFail() throws {
        let clientCase = try #require(ClientSuite.named("5.3/c1"))
        let cancel = SeenFrame(bytes: RawFrame.cancel(stream: 1, code: 8))
        #expect(!clientCase.problems(codes: [13], frames: []).isEmpty)
        #expect(!clientCase.problems(codes: [8], frames: [cancel]).isEmpty)
        #expect(clientCase.problems(codes: [8], frames: []).isEmpty)
    }

    @Test("case ids are unique and name their section")
    func ids() {
        let ids = ClientSuite.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for clientCase in ClientSuite.all {
            #expect(clientCase.id.hasPrefix("\(clientCase.section)/c"))
        }
    }

    /// Makes `call` and returns the status it ended with.
    private static func code(
        of call: ClientCall,
        on client: GRPCClient<SWPClientTransport>
    ) async -> (code: UInt32, message: String) {
        let path = call.method.split(separator: "/")
        let descriptor = MethodDescriptor(fullyQualifiedService: String(path[0]), method: String(path[1]))
        var options = CallOptions.defaults
        options.timeout = call.timeout
        do {
            try await client.unary(
                request: ClientRequest(message: call.request),
                descriptor: descriptor,
                serializer: RawSerializer(),
                deserializer: RawDeserializer(),
                options: options
            ) { response in
                _ = try response.message
            }
            return (0, "")
        } catch let error as RPCError {
            return (UInt32(error.code.rawValue), error.message)
        } catch {
            return (2, "\(error)")  // UNKNOWN
        }
    }
}

/// Passes a request's protobuf bytes through as they are.
private struct RawSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Keeps a response's protobuf bytes as they are.
private struct RawDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}
