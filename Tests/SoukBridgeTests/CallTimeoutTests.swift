import GRPCCore
import GRPCInProcessTransport
import GRPCProtobuf
import Hummingbird
import HummingbirdTesting
import Logging
import SoukAPI
import SoukBridge
import Testing

/// The bridge bounds every unary call it forwards: a service that never answers costs a browser the call timeout
/// (504, deadline_exceeded), not an open request forever.
@Suite("The bridge's bound on a unary call", .timeLimit(.minutes(2)))
struct CallTimeoutTests {
    @Test("a service that never answers is deadline_exceeded (504) after the bridge's call timeout")
    func boundedByTheBridge() async throws {
        var config = BridgeConfig.defaults
        config.callTimeout = .milliseconds(300)
        let (status, code) = try await Self.listCategories(config: config, headers: [:])
        #expect(status == 504)
        #expect(code == "deadline_exceeded")
    }

    @Test("a shorter Connect-Timeout-Ms bounds it first")
    func boundedByTheBrowser() async throws {
        var config = BridgeConfig.defaults
        config.callTimeout = .seconds(600)
        let (status, code) = try await Self.listCategories(
            config: config,
            headers: [.init("Connect-Timeout-Ms")!: "300"]
        )
        #expect(status == 504)
        #expect(code == "deadline_exceeded")
    }

    /// ListCategories through a bridge with `config` to a catalog that never answers: the HTTP status and the
    /// Connect code.
    private static func listCategories(config: BridgeConfig, headers: HTTPFields) async throws -> (Int, String) {
        var logger = Logger(label: "souk-bridge-test")
        logger.logLevel = .warning
        let transport = InProcessTransport()
        let (release, released) = AsyncStream<Void>.makeStream()
        // The catalog answers only once the browser has its answer, so the server can stop.
        defer { released.finish() }
        return try await withGRPCServer(transport: transport.server, services: [SilentCatalog(release: release)]) { _ in
            try await withGRPCClient(transport: transport.client) { client in
                let app = Application(
                    responder: BridgeResponder(client: client, config: config, logger: logger),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    logger: logger
                )
                return try await app.test(.router) { client in
                    let response = try await BridgeResponderTests.post(
                        client,
                        "/souk.catalog.v1.CatalogService/ListCategories",
                        json: "{}",
                        headers: headers
                    )
                    released.finish()
                    return (response.status.code, try BridgeResponderTests.connectError(response).code)
                }
            }
        }
    }
}

/// A catalog whose ListCategories answers nothing until `release` ends: only a deadline ends the call sooner.
private struct SilentCatalog: RegistrableRPCService {
    let release: AsyncStream<Void>

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(
            forMethod: MethodDescriptor(
                fullyQualifiedService: "souk.catalog.v1.CatalogService",
                method: "ListCategories"
            ),
            deserializer: ProtobufDeserializer<Souk_Catalog_V1_ListCategoriesRequest>(),
            serializer: ProtobufSerializer<Souk_Catalog_V1_ListCategoriesResponse>(),
            handler: { [release] _, _ in
                for await _ in release {}
                return StreamingServerResponse(error: RPCError(code: .internalError, message: "answered too late"))
            }
        )
    }
}
