import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PostgresNIO
import ServiceLifecycle
import SoukAPI
import SoukClient
import SoukHost
import SoukStorage
import SoukTLS
import TestSupport
import Testing

/// A real host over TLS on loopback, against a fresh PostgreSQL database per test.
@Suite("Host")
struct HostTests {
    @Test("serves grpc.health.v1 over TLS: the server and each hosted service are SERVING, unknown ones NOT_FOUND")
    func healthOverTLS() async throws {
        try await Self.withHost { info, _, folder in
            #expect(info.isTLS)
            try await SoukConnection.withHTTP2Connection(to: Self.client(info, folder)) { client in
                let health = Grpc_Health_V1_Health.Client(wrapping: client)
                for service in ["", "grpc.health.v1.Health", "souk.testing.v1.TestService"] {
                    var request = Grpc_Health_V1_HealthCheckRequest()
                    request.service = service
                    let status = try await health.check(request).status
                    #expect(status == .serving, "\(service)")
                }
                var unknown = Grpc_Health_V1_HealthCheckRequest()
                unknown.service = "souk.nothing.v1.Nothing"
                let error = await #expect(throws: RPCError.self) { try await health.check(unknown) }
                #expect(error?.code == .notFound)
            }
        }
    }

    @Test("serves the same services over SWP/1, with TLS and the development CA")
    func healthOverSWP() async throws {
        try await Self.withHost { info, _, folder in
            let config = ClientConfig(
                host: "127.0.0.1",
                port: info.swpPort,
                trust: .certificateAuthority(path: "\(folder)/tls/ca.pem")
            )
            try await SoukConnection.withConnection(to: config) { client in
                let health = Grpc_Health_V1_Health.Client(wrapping: client)
                var request = Grpc_Health_V1_HealthCheckRequest()
                request.service = "souk.testing.v1.TestService"
                let status = try await health.check(request).status
                #expect(status == .serving)
                var payload = Souk_Testing_V1_Payload()
                payload.body = Data("over swp".utf8)
                let echoed = try await Souk_Testing_V1_TestService.Client(wrapping: client).echo(payload)
                #expect(echoed.body == payload.body)
            }
        }
    }

    @Test("with --tls-client-ca both wires require a client certificate from that CA")
    func mutualTLS() async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                let authority = DevelopmentCertificateAuthority(folder: "\(folder)/tls")
                let (certificate, key) = try authority.issueClientCertificate(commonName: "souk-worker")
                try certificate.write(toFile: "\(folder)/client.pem", atomically: true, encoding: .utf8)
                try key.write(toFile: "\(folder)/client-key.pem", atomically: true, encoding: .utf8)
                try await withRunningHost(
                    databaseURL: url,
                    dataFolder: folder,
                    configure: { $0.clientCertificateAuthority = authority.certificateAuthorityPath }
                ) { info, _ in
                    var withCertificate = Self.client(info, folder)
                    withCertificate.clientCertificate = ("\(folder)/client.pem", "\(folder)/client-key.pem")
                    var swp = withCertificate
                    swp.port = info.swpPort
                    try await SoukConnection.withConnection(to: swp) { client in
                        let status = try await Grpc_Health_V1_Health.Client(wrapping: client).check(.init()).status
                        #expect(status == .serving)
                    }
                    try await SoukConnection.withHTTP2Connection(to: withCertificate) { client in
                        let status = try await Grpc_Health_V1_Health.Client(wrapping: client).check(.init()).status
                        #expect(status == .serving)
                    }
                    var anonymous = Self.client(info, folder)
                    anonymous.port = info.swpPort
                    try await SoukConnection.withConnection(to: anonymous) { client in
                        let error = await #expect(throws: RPCError.self) {
                            try await Grpc_Health_V1_Health.Client(wrapping: client).check(.init())
                        }
                        #expect(error?.code == .unavailable)
                    }
                }
            }
        }
    }

    @Test("serves the TestService: echo, requested status with its message, and unimplemented methods")
    func testService() async throws {
        try await Self.withHost { info, _, folder in
            try await SoukConnection.withHTTP2Connection(to: Self.client(info, folder)) { client in
                let test = Souk_Testing_V1_TestService.Client(wrapping: client)
                var payload = Souk_Testing_V1_Payload()
                payload.body = Data("hello souk".utf8)
                #expect(try await test.echo(payload).body == payload.body)

                var request = Souk_Testing_V1_SimpleRequest()
                request.responseSize = 314
                request.payload.body = Data(count: 271)
                let response = try await test.unaryCall(request)
                #expect(response.payload.body.count == 314)
                #expect(response.requestSize == 271)

                request.responseStatus.code = 2
                request.responseStatus.message = "test status message"
                let failure = await #expect(throws: RPCError.self) { try await test.unaryCall(request) }
                #expect(failure?.code == .unknown)
                #expect(failure?.message == "test status message")

                let unimplemented = await #expect(throws: RPCError.self) {
                    try await test.unimplementedCall(Souk_Testing_V1_Empty())
                }
                #expect(unimplemented?.code == .unimplemented)
                let otherService = Souk_Testing_V1_UnimplementedService.Client(wrapping: client)
                let unknownService = await #expect(throws: RPCError.self) {
                    try await otherService.unimplementedCall(Souk_Testing_V1_Empty())
                }
                #expect(unknownService?.code == .unimplemented)
            }
        }
    }

    @Test("a client that does not trust the development CA cannot connect")
    func untrustedClient() async throws {
        try await Self.withHost { info, _, _ in
            let config = ClientConfig(host: "127.0.0.1", port: info.grpcPort, trust: .systemRoots)
            try await SoukConnection.withHTTP2Connection(to: config) { client in
                let health = Grpc_Health_V1_Health.Client(wrapping: client)
                let error = await #expect(throws: RPCError.self) {
                    try await health.check(Grpc_Health_V1_HealthCheckRequest())
                }
                #expect(error?.code == .unavailable)
            }
        }
    }

    @Test("on shutdown, a call in flight runs to completion within the drain bound")
    func drainsInFlightCalls() async throws {
        try await Self.withHost(drainTimeout: .seconds(20)) { info, group, folder in
            try await SoukConnection.withHTTP2Connection(to: Self.client(info, folder)) { client in
                let test = Souk_Testing_V1_TestService.Client(wrapping: client)
                let (opened, openedSignal) = AsyncStream<Void>.makeStream()
                let (proceed, proceedSignal) = AsyncStream<Void>.makeStream()
                async let total = test.streamingInputCall { writer in
                    try await writer.write(Self.upload(bytes: 100))
                    openedSignal.yield()
                    for await _ in proceed { break }
                    try await writer.write(Self.upload(bytes: 50))
                }
                for await _ in opened { break }
                try await Self.roundTrips(test)
                await group.triggerGracefulShutdown()
                proceedSignal.yield()
                #expect(try await total.aggregatedPayloadSize == 150)
            }
        }
    }

    @Test("a call still running when the drain bound ends is cut off, and the host stops")
    func cancelsAfterDrainBound() async throws {
        let shutdown = ShutdownMark()
        try await Self.withHost(drainTimeout: .milliseconds(300)) { info, group, folder in
            try await SoukConnection.withHTTP2Connection(to: Self.client(info, folder)) { client in
                let test = Souk_Testing_V1_TestService.Client(wrapping: client)
                let (opened, openedSignal) = AsyncStream<Void>.makeStream()
                let (never, neverSignal) = AsyncStream<Void>.makeStream()
                async let outcome: Result<Int32, any Error> = {
                    do {
                        let response = try await test.streamingInputCall { writer in
                            try await writer.write(Self.upload(bytes: 10))
                            openedSignal.yield()
                            for await _ in never {}
                        }
                        return .success(response.aggregatedPayloadSize)
                    } catch {
                        return .failure(error)
                    }
                }()
                for await _ in opened { break }
                try await Self.roundTrips(test)
                await shutdown.mark()
                await group.triggerGracefulShutdown()
                if case .success(let size) = await outcome {
                    Issue.record("the call should have been cut off, but it returned \(size)")
                }
                neverSignal.finish()
            }
        }
        // Without the cut-off the host would wait for a call that never ends; a generous bound on the stop alone
        // (not the start, which a loaded machine slows) tells the two apart.
        let stoppedAfter = await shutdown.elapsed()
        #expect(stoppedAfter.map { $0 < .seconds(60) } == true, "stopped after \(String(describing: stoppedAfter))")
    }

    @Test("each start is recorded, so a restarted host sees the data of the previous run")
    func reusesData() async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                let first = try await withRunningHost(databaseURL: url, dataFolder: folder) { info, _ in info.startCount
                }
                let second = try await withRunningHost(databaseURL: url, dataFolder: folder) { info, _ in
                    info.startCount
                }
                #expect(first == 1)
                #expect(second == 2)
            }
        }
    }

    @Test("a database migrated by a newer Souk is refused at start")
    func refusesNewerDatabase() async throws {
        try await TestDatabase.withFresh { url, client in
            try await withTemporaryDirectory { folder in
                _ = try await withRunningHost(databaseURL: url, dataFolder: folder) { info, _ in info.startCount }
                try await client.query(
                    "INSERT INTO souk_meta.migrations (schema_name, version, name, checksum) VALUES ('souk_host', 99, 'future', 'x')",
                    logger: .init(label: "test")
                )
                let error = await #expect(throws: StorageError.self) {
                    try await withRunningHost(databaseURL: url, dataFolder: folder) { info, _ in info.startCount }
                }
                #expect(error?.code == .schemaTooNew)
            }
        }
    }

    @Test("a port already in use is named with the setting that changes it")
    func portInUse() async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                try await withRunningHost(databaseURL: url, dataFolder: folder) { info, _ in
                    let config = HostConfig.defaults { config in
                        config.grpc.port = info.grpcPort
                        config.swp.port = 0
                        config.dataFolder = folder
                        config.database = .url(url)
                    }
                    let error = await #expect(throws: HostError.self) {
                        _ = try await Host(config: config, logger: .init(label: "test")).prepare()
                    }
                    #expect(error?.code == .portInUse)
                    #expect(error?.message.contains("\(info.grpcPort)") == true)
                    #expect(error?.message.contains("--grpc-port") == true)
                }
            }
        }
    }

    // MARK: - Helpers

    static func withHost(
        drainTimeout: Duration = .seconds(10),
        _ body: (ReadyInfo, ServiceGroup, String) async throws -> Void
    ) async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                try await withRunningHost(
                    databaseURL: url,
                    dataFolder: folder,
                    configure: { $0.drainTimeout = drainTimeout }
                ) { info, group in
                    try await body(info, group, folder)
                }
            }
        }
    }

    static func client(_ info: ReadyInfo, _ folder: String) -> ClientConfig {
        ClientConfig(host: "127.0.0.1", port: info.grpcPort, trust: .certificateAuthority(path: "\(folder)/tls/ca.pem"))
    }

    /// Completes round trips on the same connection, so the server has seen what was sent before them.
    static func roundTrips(_ test: Souk_Testing_V1_TestService.Client<HTTP2ClientTransport.Posix>) async throws {
        for _ in 0..<3 { _ = try await test.emptyCall(Souk_Testing_V1_Empty()) }
    }

    static func upload(bytes: Int) -> Souk_Testing_V1_StreamingInputCallRequest {
        var request = Souk_Testing_V1_StreamingInputCallRequest()
        request.payload.body = Data(count: bytes)
        return request
    }
}

/// When a test triggered a host's shutdown.
private actor ShutdownMark {
    private var at: ContinuousClock.Instant?

    func mark() { self.at = .now }

    /// How long ago ``mark()`` was called, if it was.
    func elapsed() -> Duration? { self.at.map { ContinuousClock.now - $0 } }
}
