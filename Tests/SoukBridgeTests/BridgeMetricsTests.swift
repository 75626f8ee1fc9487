import GRPCCore
import GRPCInProcessTransport
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import SoukAPI
import SoukBridge
import Testing

/// The bridge's requests and sessions as metrics, read back from the registry in the Prometheus text format.
@Suite("The bridge's metrics")
struct BridgeMetricsTests {
    @Test("counts requests by route class and HTTP status, and times each one")
    func countsRequests() async throws {
        let registry = PrometheusCollectorRegistry()
        var logger = Logger(label: "souk-bridge-test")
        logger.logLevel = .warning
        // None of these requests reaches the services: a client that is never run is enough.
        let upstream = GRPCClient(transport: InProcessTransport().client)
        let app = Application(
            responder: BridgeResponder(client: upstream, metrics: BridgeMetrics(registry: registry), logger: logger),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/session", method: .get).status == .ok)
            for _ in 0..<2 {
                let missing = try await BridgeResponderTests.post(client, "/souk.nothing.v1.Nothing/Call", json: "{}")
                #expect(missing.status == .notFound)
            }
            // No admin page: a GET of a page is not a Connect call.
            #expect(try await client.execute(uri: "/index.html", method: .get).status == .methodNotAllowed)
        }
        let samples = Self.samples(registry.emitToString())
        #expect(samples[#"souk_bridge_requests_total{route="session",status="200"}"#] == 1)
        #expect(samples[#"souk_bridge_requests_total{route="connect",status="404"}"#] == 2)
        #expect(samples[#"souk_bridge_requests_total{route="connect",status="200"}"#] == 0)
        #expect(samples[#"souk_bridge_requests_total{route="page",status="405"}"#] == 1)
        #expect(samples[#"souk_bridge_request_duration_seconds_count{route="connect"}"#] == 2)
        #expect(samples[#"souk_bridge_request_duration_seconds_count{route="session"}"#] == 1)
        #expect(samples["souk_bridge_sessions_live"] == 0)
    }

    @Test("the live sessions gauge follows the sessions the store holds")
    func liveSessions() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = BridgeMetrics(registry: registry)
        let sessions = SessionStore(idleTimeout: .seconds(300), onCountChange: { metrics.sessionsChanged(to: $0) })
        func live() -> Double? { Self.samples(registry.emitToString())["souk_bridge_sessions_live"] }
        var ids: [String] = []
        for index in 0..<3 {
            let id = await sessions.create(
                tokens: Souk_Identity_V1_TokenPair(),
                email: "person\(index)@example.com",
                roles: [],
                margin: .seconds(30),
                refresh: { _ in throw RPCError(code: .unauthenticated, message: "not in this test") }
            )
            ids.append(id)
        }
        #expect(live() == 3)
        await sessions.remove(ids[0])
        await sessions.remove("no-such-session")
        #expect(live() == 2)
    }

    /// The text format's samples: `name{labels}` to value.
    static func samples(_ text: String) -> [String: Double] {
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
