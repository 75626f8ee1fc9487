import Foundation
import GRPCCore
import SoukAPI
import SoukClient
import SoukConformance
import SoukTLS
import SoukWire
import TestSupport
import Testing

/// SWP-specific behaviour beyond the interop cases: scale on one connection, compression, reconnects.
@Suite("SWP transport", .timeLimit(.minutes(1)))
struct SWPTransportTests {
    @Test("1,000 concurrent calls share one connection")
    func thousandConcurrentCalls() async throws {
        try await withSWPClient { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            let echoed = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        var request = Souk_Testing_V1_SimpleRequest()
                        request.responseSize = 1_024
                        request.payload.body = Data(count: index)
                        let response = try await test.unaryCall(request)
                        #expect(response.payload.body.count == 1_024)
                        return Int(response.requestSize)
                    }
                }
                var sizes: [Int] = []
                for try await size in group { sizes.append(size) }
                return sizes.sorted()
            }
            #expect(echoed == Array(0..<1_000))
        }
    }

    @Test("zstd-compressed messages in both directions arrive intact")
    func compressedBothWays() async throws {
        try await withSWPClient(tuning: SWPTuning(compressOutgoing: true)) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            var payload = Souk_Testing_V1_Payload()
            payload.body = Data(String(repeating: "souk order line; ", count: 20_000).utf8)
            let echoed = try await test.echo(payload)
            #expect(echoed.body == payload.body)
        }
    }

    @Test("a message larger than both flow-control windows still gets through")
    func messageLargerThanWindows() async throws {
        try await withSWPClient(tuning: SWPTuning(initialStreamWindow: 65_536, connectionWindow: 131_072)) { client in
            var payload = Souk_Testing_V1_Payload()
            payload.body = Data(count: 3 * 1024 * 1024)
            let echoed = try await Souk_Testing_V1_TestService.Client(wrapping: client).echo(payload)
            #expect(echoed.body.count == 3 * 1024 * 1024)
        }
    }

    @Test("a stream the reader abandons after two of 100 million messages ends, and the connection goes on")
    func slowReaderBoundsTheSender() async throws {
        try await withSWPClient(tuning: SWPTuning(initialStreamWindow: 65_536)) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            var request = Souk_Testing_V1_StreamRequest()
            request.count = TestService.maximumStreamedMessages
            request.size = 1_024
            // Read two messages, then abandon the call. Draining 100 GB would take minutes at any speed this machine
            // has, far past the suite's time limit, so ending at all is the proof; no clock is read. (That the sender
            // parks at the window is shown in ConnectionHandlerTests.slowReaderBackpressure.)
            let read = try await test.streamBytes(request) { response in
                var count = 0
                for try await _ in response.messages {
                    count += 1
                    if count == 2 { break }
                }
                return count
            }
            #expect(read == 2)
            var payload = Souk_Testing_V1_Payload()
            payload.body = Data("after".utf8)
            #expect(try await test.echo(payload).body == Data("after".utf8))
        }
    }

    @Test("while the server is down calls fail fast with UNAVAILABLE, and the client reconnects when it is back")
    func reconnects() async throws {
        try await withTemporaryDirectory { folder in
            let tls = try TestTLS.make(in: folder)
            let serverTLS = WireTLS.Server(
                certificateChainPath: tls.files.certificateChain,
                privateKeyPath: tls.files.privateKey
            )
            // First run on a free port, learn it, keep it for the restart.
            let firstTransport = SWPServerTransport(config: .init(host: "127.0.0.1", port: 0, tls: serverTLS))
            let firstServer = GRPCServer(transport: firstTransport, services: [TestService()])
            var clientConfig = SoukConnection.wireConfig(for: tls.clientConfig(port: 0))
            clientConfig.backoffInitial = .milliseconds(50)
            clientConfig.backoffMaximum = .milliseconds(200)
            // Restarting on the same port must wait until the first listener is closed, or the bind fails.
            let (firstStopped, firstStoppedContinuation) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { firstStoppedContinuation.finish() }
                    try await firstServer.serve()
                }
                let port = try await firstTransport.listeningPort
                clientConfig.port = port
                try await withGRPCClient(transport: SWPClientTransport(config: clientConfig)) { client in
                    let test = Souk_Testing_V1_TestService.Client(wrapping: client)
                    _ = try await test.emptyCall(Souk_Testing_V1_Empty())

                    // A call in flight when the server dies ends with UNAVAILABLE.
                    async let inFlight: Void = {
                        var sleep = Souk_Testing_V1_SleepRequest()
                        sleep.durationMs = 30_000
                        let error = await #expect(throws: RPCError.self) { try await test.sleep(sleep) }
                        #expect(error?.code == .unavailable)
                    }()
                    for _ in 0..<3 { _ = try await test.emptyCall(Souk_Testing_V1_Empty()) }
                    group.cancelAll()
                    await inFlight
                    for await _ in firstStopped {}

                    // Down: fail fast, naming the cause.
                    let down = await #expect(throws: RPCError.self) {
                        try await test.emptyCall(Souk_Testing_V1_Empty())
                    }
                    #expect(down?.code == .unavailable)

                    // Back on the same port: a call that waits for readiness gets through.
                    let secondTransport = SWPServerTransport(
                        config: .init(host: "127.0.0.1", port: port, tls: serverTLS)
                    )
                    let secondServer = GRPCServer(transport: secondTransport, services: [TestService()])
                    try await withThrowingTaskGroup(of: Void.self) { restarted in
                        restarted.addTask { try await secondServer.serve() }
                        var options = CallOptions.defaults
                        options.waitForReady = true
                        options.timeout = .seconds(30)
                        _ = try await test.emptyCall(Souk_Testing_V1_Empty(), options: options)
                        secondServer.beginGracefulShutdown()
                        restarted.cancelAll()
                    }
                }
            }
        }
    }
}
