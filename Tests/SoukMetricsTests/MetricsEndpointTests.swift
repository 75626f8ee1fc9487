import AsyncHTTPClient
import Foundation
import GRPCCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SoukAPI
import SoukClient
import SoukHost
import SoukStorage
import TestSupport
import Testing

/// A real host with a metrics port on loopback: its calls counted per method, wire and status, scraped over HTTP.
@Suite("The metrics endpoint")
struct MetricsEndpointTests {
    @Test("counts each call by method, wire and status, and times every one of them")
    func countsCalls() async throws {
        try await Self.withMetricsHost { info, folder, metrics in
            let config = ClientConfig(
                host: "127.0.0.1",
                port: info.swpPort,
                trust: .certificateAuthority(path: "\(folder)/tls/ca.pem")
            )
            try await SoukConnection.withConnection(to: config) { client in
                let test = Souk_Testing_V1_TestService.Client(wrapping: client)
                for _ in 0..<3 { _ = try await test.emptyCall(Souk_Testing_V1_Empty()) }
                // No token: the access policy refuses it before the service sees it.
                let identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
                let refused = await #expect(throws: RPCError.self) { _ = try await identity.getMyAccount(.init()) }
                #expect(refused?.code == .unauthenticated)
            }
            let (status, text) = try await Self.get(metrics)
            #expect(status == 200)
            let empty = #"method="souk.testing.v1.TestService/EmptyCall",wire="swp""#
            let account = #"method="souk.identity.v1.IdentityService/GetMyAccount",wire="swp""#
            let samples = Self.samples(text)
            #expect(samples["souk_rpc_calls_started_total{\(empty)}"] == 3)
            #expect(samples["souk_rpc_calls_finished_total{\(empty),code=\"OK\"}"] == 3)
            #expect(samples["souk_rpc_call_duration_seconds_count{\(empty)}"] == 3)
            #expect(samples["souk_rpc_call_duration_seconds_bucket{\(empty),le=\"+Inf\"}"] == 3)
            #expect(samples["souk_rpc_calls_started_total{\(account)}"] == 1)
            #expect(samples["souk_rpc_calls_finished_total{\(account),code=\"UNAUTHENTICATED\"}"] == 1)
            #expect(samples["souk_rpc_calls_finished_total{\(account),code=\"OK\"}"] == 0)
            #expect(samples["souk_rpc_call_duration_seconds_count{\(account)}"] == 1)
            // The other wires' metrics exist from the start, at zero.
            let overGRPC = #"method="souk.testing.v1.TestService/EmptyCall",wire="grpc""#
            #expect(samples["souk_rpc_calls_started_total{\(overGRPC)}"] == 0)
            #expect(samples[#"souk_rpc_calls_in_flight{wire="swp"}"#] == 0)
            // The connection is closed once the client is done; the gauge is read at each scrape.
            #expect(samples["souk_swp_connections_open"] != nil)
            #expect(samples["souk_swp_streams_open"] == 0)
        }
    }

    @Test("answers 404 for another path and 405 for another method on /metrics")
    func otherRequests() async throws {
        try await Self.withMetricsHost { _, _, metrics in
            let (missing, _) = try await Self.get(metrics.replacingOccurrences(of: "/metrics", with: "/other"))
            #expect(missing == 404)
            var post = HTTPClientRequest(url: metrics)
            post.method = .POST
            let response = try await HTTPClient.shared.execute(post, timeout: .seconds(60))
            #expect(response.status.code == 405)
            #expect(response.headers["Allow"] == ["GET, HEAD"])
        }
    }

    @Test("a metrics port in use fails the start with one line naming the setting")
    func portInUse() async throws {
        let taken = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { taken.close(promise: nil) }
        let port = try #require(taken.localAddress?.port)
        let error = await #expect(throws: HostError.self) {
            _ = try await Self.host(metricsPort: port).prepare()
        }
        #expect(error?.code == .portInUse)
        #expect(error?.message.contains("--metrics-port") == true)
        #expect(error?.message.contains("\(port)") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("a metrics port out of range fails the start naming the setting", arguments: [-1, 65536])
    func portOutOfRange(port: Int) async throws {
        let error = await #expect(throws: HostError.self) {
            _ = try await Self.host(metricsPort: port).prepare()
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message == "--metrics-port must be 0…65535, not \(port)")
    }

    /// A host that fails before it reaches the database (which does not exist).
    private static func host(metricsPort: Int) throws -> SoukHost.Host {
        let database = try DatabaseURL(parsing: "postgres://souk@127.0.0.1:1/none")
        let config = HostConfig.defaults {
            $0.grpc.port = 0
            $0.swp.port = 0
            $0.metrics = .init(host: "127.0.0.1", port: metricsPort)
            $0.dataFolder = "/nonexistent/souk-metrics-test"
            $0.database = .url(database)
        }
        return SoukHost.Host(config: config, logger: .init(label: "metrics-test"))
    }

    /// Runs a host with metrics on a free port, handing `body` its ready report, data folder and metrics URL.
    private static func withMetricsHost(_ body: (ReadyInfo, String, String) async throws -> Void) async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                try await withRunningHost(
                    databaseURL: url,
                    dataFolder: folder,
                    configure: { $0.metrics = .init(host: "127.0.0.1", port: 0) }
                ) { info, _ in
                    let metrics = try #require(info.metricsAddress)
                    #expect(metrics.hasPrefix("http://127.0.0.1:") && !metrics.hasPrefix("http://127.0.0.1:0/"))
                    try await body(info, folder, metrics)
                }
            }
        }
    }

    /// The status and body of `GET url`.
    private static func get(_ url: String) async throws -> (UInt, String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (response.status.code, String(buffer: body))
    }

    /// The text format's samples: `name{labels}` to value.
    private static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}
