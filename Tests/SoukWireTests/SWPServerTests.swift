import Foundation
import GRPCCore
import SoukAPI
import SoukWire
import SwiftProtobuf
import Testing

/// ``SWPServer``, the SWP dispatcher: each behaviour checked on it and, where GRPCCore defines it, on `GRPCServer`
/// over the same transport, with the same expectations.
@Suite("SWPServer: generated methods called directly, with GRPCServer's semantics", .timeLimit(.minutes(1)))
struct SWPServerTests {
    @Test("a method nobody serves is UNIMPLEMENTED, and SWPServer names it")
    func unknownMethod() async throws {
        for serving in SWPServing.allCases {
            let probe = Probe()
            try await withProbeServer(serving, services: [ProbeService(probe: probe)]) { client in
                let other = Souk_Testing_V1_UnimplementedService.Client(wrapping: client)
                let error = await #expect(throws: RPCError.self) {
                    try await other.unimplementedCall(Souk_Testing_V1_Empty())
                }
                #expect(error?.code == .unimplemented, "\(serving)")
                if serving == .direct {
                    #expect(error?.message.contains("/souk.testing.v1.UnimplementedService/UnimplementedCall") == true)
                }
            }
            #expect(probe.recorded.isEmpty)
        }
    }

    @Test(
        "an interceptor that denies gives PERMISSION_DENIED and the handler never runs",
        arguments: SWPServing.allCases
    )
    func denied(serving: SWPServing) async throws {
        let probe = Probe()
        let interceptors: [any ServerInterceptor] = [
            RecordingInterceptor(name: "outer", probe: probe), DenyingInterceptor(),
        ]
        try await withProbeServer(serving, services: [ProbeService(probe: probe)], interceptors: interceptors) {
            client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            let error = await #expect(throws: RPCError.self) {
                try await test.echo(.with { $0.body = Data("echo".utf8) })
            }
            #expect(error?.code == .permissionDenied)
            #expect(error?.message == "denied by the test policy")
        }
        #expect(probe.recorded == ["outer"])
    }

    @Test("the interceptors run in order, the first outermost, then the handler", arguments: SWPServing.allCases)
    func interceptorOrder(serving: SWPServing) async throws {
        let probe = Probe()
        let interceptors: [any ServerInterceptor] = [
            RecordingInterceptor(name: "first", probe: probe),
            RecordingInterceptor(name: "second", probe: probe),
            RecordingInterceptor(name: "third", probe: probe),
        ]
        try await withProbeServer(serving, services: [ProbeService(probe: probe)], interceptors: interceptors) {
            client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            let reply = try await test.echo(.with { $0.body = Data("echo".utf8) })
            #expect(reply.body == Data("echo".utf8))
        }
        #expect(probe.recorded == ["first", "second", "third", "handler"])
    }

    /// A handler's error, with or without an interceptor around it, and the status GRPCCore 2.4.3 gives it.
    struct ErrorCase: Sendable, CustomStringConvertible {
        var body: String
        var intercepted: Bool
        var code: RPCError.Code
        var message: String
        var description: String { "\(self.body)\(self.intercepted ? " behind an interceptor" : "")" }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(body: "plain", intercepted: false, code: .unknown, message: "Service method threw an unknown error."),
        // An interceptor that lets the error through makes it its own: GRPCCore maps it there, with no message.
        ErrorCase(body: "plain", intercepted: true, code: .unknown, message: ""),
        ErrorCase(
            body: "convertible",
            intercepted: false,
            code: .failedPrecondition,
            message: "converted from a domain error"
        ),
        ErrorCase(
            body: "convertible",
            intercepted: true,
            code: .failedPrecondition,
            message: "converted from a domain error"
        ),
    ]

    @Test("a handler's error is mapped as GRPCServer maps it", arguments: Self.errorCases, SWPServing.allCases)
    func errorMapping(errorCase: ErrorCase, serving: SWPServing) async throws {
        let probe = Probe()
        let interceptors: [any ServerInterceptor] =
            errorCase.intercepted ? [RecordingInterceptor(name: "around", probe: probe)] : []
        try await withProbeServer(serving, services: [ProbeService(probe: probe)], interceptors: interceptors) {
            client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            let error = await #expect(throws: RPCError.self) {
                try await test.echo(.with { $0.body = Data(errorCase.body.utf8) })
            }
            #expect(error?.code == errorCase.code)
            #expect(error?.message == errorCase.message)
        }
    }

    @Test("a client's CANCEL reaches the handler's context.cancellation", arguments: SWPServing.allCases)
    func clientCancel(serving: SWPServing) async throws {
        let probe = Probe()
        try await withProbeServer(serving, services: [ProbeService(probe: probe)]) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            var events = probe.events.makeAsyncIterator()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await test.echo(.with { $0.body = Data("wait".utf8) }) }
                while let event = await events.next(), event != "waiting" {}
                group.cancelAll()
                while let event = await events.next(), event != "cancelled" {}
                try await group.waitForAll()
            }
        }
        #expect(probe.recorded == ["handler", "waiting", "cancelled"])
    }

    @Test("a passed deadline reaches the handler's context.cancellation", arguments: SWPServing.allCases)
    func deadline(serving: SWPServing) async throws {
        let probe = Probe()
        try await withProbeServer(serving, services: [ProbeService(probe: probe)]) { client in
            let test = Souk_Testing_V1_TestService.Client(wrapping: client)
            // The connection first: under the whole suite in parallel on 2 cores, connecting alone was seen to take
            // longer than the deadline, and the call never left the client.
            _ = try await test.echo(.with { $0.body = Data("echo".utf8) })
            var options = CallOptions.defaults
            options.timeout = .seconds(2)
            let error = await #expect(throws: RPCError.self) {
                try await test.echo(.with { $0.body = Data("wait".utf8) }, options: options)
            }
            #expect(error?.code == .deadlineExceeded)
            // A handler that starts after the deadline passed still sees it: the cancellation is kept for it.
            var events = probe.events.makeAsyncIterator()
            while let event = await events.next(), event != "cancelled" {}
        }
        #expect(probe.recorded == ["handler", "handler", "waiting", "cancelled"])
    }

    @Test("all four call shapes are served directly, with the messages in order")
    func callShapes() async throws {
        let probe = Probe()
        let transport = SWPServerTransport(config: .init(host: "127.0.0.1", port: 0, tls: nil))
        let server = SWPServer(
            transport: transport,
            services: [ProbeService(probe: probe)],
            bindings: SWPServiceBindings.all
        )
        #expect(server.forwardedPaths.isEmpty)
        #expect(Set(server.directMethods.compactMap(\.type)) == Set(MethodDescriptor.RPCType.allCases))
        #expect(server.directMethods.count == 10)

        try await withProbeServer(.direct, services: [ProbeService(probe: probe)]) { client in
            try await Self.runEachShape(Souk_Testing_V1_TestService.Client(wrapping: client))
        }
        #expect(probe.recorded == ["handler", "handler", "handler", "handler"])
    }

    @Test("a service with no binding is served through GRPCCore, behind the same interceptors")
    func forwarded() async throws {
        let probe = Probe()
        let transport = SWPServerTransport(config: .init(host: "127.0.0.1", port: 0, tls: nil))
        let server = SWPServer(transport: transport, services: [ProbeService(probe: probe)], bindings: [])
        #expect(server.directMethods.isEmpty)
        #expect(server.forwardedPaths.count == 10)

        let interceptors: [any ServerInterceptor] = [RecordingInterceptor(name: "interceptor", probe: probe)]
        try await withProbeServer(
            .direct,
            services: [ProbeService(probe: probe)],
            interceptors: interceptors,
            bindings: []
        ) { client in
            try await Self.runEachShape(Souk_Testing_V1_TestService.Client(wrapping: client))
        }
        #expect(probe.recorded == Array(repeating: ["interceptor", "handler"], count: 4).flatMap { $0 })
    }

    /// One call of each shape: unary, server-, client- and bidirectional streaming.
    static func runEachShape(_ test: Souk_Testing_V1_TestService.Client<some ClientTransport>) async throws {
        let echoed = try await test.echo(.with { $0.body = Data("echo".utf8) })
        #expect(echoed.body == Data("echo".utf8))

        let sizes = try await test.streamBytes(
            .with {
                $0.count = 3
                $0.size = 5
            }
        ) { response in
            var sizes: [Int] = []
            for try await message in response.messages { sizes.append(message.body.count) }
            return sizes
        }
        #expect(sizes == [5, 5, 5])

        let aggregated = try await test.streamingInputCall { writer in
            for size in [3, 4, 5] {
                try await writer.write(.with { $0.payload.body = Data(repeating: 1, count: size) })
            }
        }
        #expect(aggregated.aggregatedPayloadSize == 12)

        let duplex = try await test.fullDuplexCall { writer in
            for size in [7, 8] {
                try await writer.write(.with { $0.responseParameters = [.with { $0.size = Int32(size) }] })
            }
        } onResponse: { response in
            var sizes: [Int] = []
            for try await message in response.messages { sizes.append(message.payload.body.count) }
            return sizes
        }
        #expect(duplex == [7, 8])
    }
}

/// Serves `services` over plaintext SWP on 127.0.0.1 (a free port) and hands `body` a connected client.
func withProbeServer<Result: Sendable>(
    _ serving: SWPServing,
    services: [any RegistrableRPCService],
    interceptors: [any ServerInterceptor] = [],
    bindings: [SWPServiceBinding] = SWPServiceBindings.all,
    _ body: (GRPCClient<SWPClientTransport>) async throws -> Result
) async throws -> Result {
    let transport = SWPServerTransport(config: .init(host: "127.0.0.1", port: 0, tls: nil))
    let direct = SWPServer(transport: transport, services: services, interceptors: interceptors, bindings: bindings)
    let core = GRPCServer(transport: transport, services: services, interceptors: interceptors)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        switch serving {
        case .direct: group.addTask { try await direct.serve() }
        case .grpcCore: group.addTask { try await core.serve() }
        }
        defer {
            direct.beginGracefulShutdown()
            core.beginGracefulShutdown()
            group.cancelAll()
        }
        let port = try await transport.listeningPort
        let client = SWPClientTransport(config: .init(host: "127.0.0.1", port: port, tls: nil))
        return try await withGRPCClient(transport: client) { client in try await body(client) }
    }
}
