import Foundation
import GRPCCore
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SoukAPI
import SoukBridge
import SwiftProtobuf
import TestSupport
import Testing

@Suite("Connect unary calls through the bridge to a real host")
struct BridgeResponderTests {
    /// Runs `body` with a test client of a bridge in front of `harness`'s host.
    static func withBridge(
        _ harness: IdentityHarness,
        config: BridgeConfig = .defaults,
        live: Bool = false,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var logger = Logger(label: "souk-bridge-test")
        logger.logLevel = .warning
        let app = Application(
            responder: BridgeResponder(client: harness.client, config: config, logger: logger),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
        try await app.test(live ? .live : .router, body)
    }

    static func post(
        _ client: any TestClientProtocol,
        _ path: String,
        body: [UInt8],
        contentType: String = "application/json",
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = contentType
        return try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(bytes: body))
    }

    static func post(
        _ client: any TestClientProtocol,
        _ path: String,
        json: String,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await Self.post(client, path, body: Array(json.utf8), headers: headers)
    }

    /// The Connect error body of `response`: code and message.
    static func connectError(_ response: TestResponse) throws -> (code: String, message: String) {
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
        return (object?["code"] as? String ?? "", object?["message"] as? String ?? "")
    }

    /// A published mug in a fresh category; returns its id.
    static func publishedMug(_ harness: IdentityHarness) async throws -> String {
        let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Кухня"
        kitchen.slug = "kitchen"
        let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
        var create = Souk_Catalog_V1_CreateProductRequest()
        create.categoryID = category.id
        create.title = "Ceramic mug"
        var sku = Souk_Catalog_V1_Sku()
        sku.code = "MUG-350"
        var price = Souk_Catalog_V1_Money()
        price.minorUnits = 1_499
        price.currency = "USD"
        sku.prices = [price]
        create.skus = [sku]
        let product = try await harness.catalog.createProduct(create, metadata: admin)
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = product.id
        _ = try await harness.catalog.publishProduct(publish, metadata: admin)
        return product.id
    }

    @Test("GetProduct and SearchProducts in JSON and in binary protobuf")
    func catalogReads() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let id = try await Self.publishedMug(harness)
            try await Self.withBridge(harness) { client in
                let json = try await Self.post(
                    client,
                    "/souk.catalog.v1.CatalogService/GetProduct",
                    json: #"{"productId":"\#(id)","currency":"USD"}"#
                )
                #expect(json.status == .ok)
                #expect(json.headers[.contentType] == "application/json")
                let fromJSON = try Souk_Catalog_V1_Product(jsonUTF8Bytes: Array(json.body.readableBytesView))
                #expect(fromJSON.id == id && fromJSON.title == "Ceramic mug")

                var get = Souk_Catalog_V1_GetProductRequest()
                get.productID = id
                let binary = try await Self.post(
                    client,
                    "/souk.catalog.v1.CatalogService/GetProduct",
                    body: try get.serializedBytes(),
                    contentType: "application/proto"
                )
                #expect(binary.status == .ok)
                #expect(binary.headers[.contentType] == "application/proto")
                let fromProto = try Souk_Catalog_V1_Product(serializedBytes: Array(binary.body.readableBytesView))
                #expect(fromProto.id == id && fromProto.title == fromJSON.title)

                let search = try await Self.post(
                    client,
                    "/souk.catalog.v1.CatalogService/SearchProducts",
                    json: #"{"query":"mug"}"#
                )
                #expect(search.status == .ok)
                let found = try Souk_Catalog_V1_SearchProductsResponse(
                    jsonUTF8Bytes: Array(search.body.readableBytesView)
                )
                #expect(found.products.map(\.id) == [id])

                var query = Souk_Catalog_V1_SearchProductsRequest()
                query.query = "mug"
                let searchProto = try await Self.post(
                    client,
                    "/souk.catalog.v1.CatalogService/SearchProducts",
                    body: try query.serializedBytes(),
                    contentType: "application/proto"
                )
                let foundProto = try Souk_Catalog_V1_SearchProductsResponse(
                    serializedBytes: Array(searchProto.body.readableBytesView)
                )
                #expect(foundProto.products.map(\.id) == [id])

                let missing = try await Self.post(
                    client,
                    "/souk.catalog.v1.CatalogService/GetProduct",
                    json: #"{"productId":"00000000-0000-0000-0000-000000000000"}"#
                )
                #expect(missing.status == .notFound)
                #expect(try Self.connectError(missing).code == "not_found")
            }
        }
    }

    @Test("SignUp and Login in JSON, then GetMyAccount with the bearer token; without it, unauthenticated")
    func signUpLoginAndBearer() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness) { client in
                let credentials = #"{"email":"ada@shop.example","password":"correct horse battery"}"#
                let signUp = try await Self.post(client, "/souk.identity.v1.IdentityService/SignUp", json: credentials)
                #expect(signUp.status == .ok)
                let login = try await Self.post(client, "/souk.identity.v1.IdentityService/Login", json: credentials)
                #expect(login.status == .ok)
                let tokens = try Souk_Identity_V1_LoginResponse(jsonUTF8Bytes: Array(login.body.readableBytesView))
                    .tokens
                #expect(!tokens.accessToken.isEmpty)

                let me = try await Self.post(
                    client,
                    "/souk.identity.v1.IdentityService/GetMyAccount",
                    json: "{}",
                    headers: [.authorization: "Bearer \(tokens.accessToken)"]
                )
                #expect(me.status == .ok)
                let account = try Souk_Identity_V1_AccountResponse(jsonUTF8Bytes: Array(me.body.readableBytesView))
                #expect(account.account.email == "ada@shop.example")

                let anonymous = try await Self.post(
                    client,
                    "/souk.identity.v1.IdentityService/GetMyAccount",
                    json: ""
                )
                #expect(anonymous.status == .unauthorized)
                #expect(try Self.connectError(anonymous).code == "unauthenticated")

                let again = try await Self.post(client, "/souk.identity.v1.IdentityService/SignUp", json: credentials)
                #expect(again.status == .conflict)
                #expect(try Self.connectError(again).code == "already_exists")
            }
        }
    }

    @Test("bad requests get their Connect error and reach no service")
    func badInput() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness, config: BridgeConfig(maxBodyBytes: 256)) { client in
                let signUp = "/souk.identity.v1.IdentityService/SignUp"
                let valid = #"{"email":"eve@shop.example","password":"correct horse battery"}"#
                let cases: [(TestResponse, HTTPResponse.Status, String)] = [
                    (
                        try await Self.post(client, signUp, body: Array(valid.utf8), contentType: "text/plain"),
                        .unsupportedMediaType, "unimplemented"
                    ),
                    (
                        try await Self.post(client, signUp, json: #"{"email":"eve@shop.example","#),
                        .badRequest, "invalid_argument"
                    ),
                    (
                        try await Self.post(
                            client,
                            signUp,
                            json: #"{"email":"eve@shop.example","password":"correct horse battery","admin":true}"#
                        ),
                        .badRequest, "invalid_argument"
                    ),
                    (
                        try await Self.post(
                            client,
                            signUp,
                            body: [0xFF, 0xFF, 0xFF],
                            contentType: "application/proto"
                        ),
                        .badRequest, "invalid_argument"
                    ),
                    (
                        try await Self.post(client, signUp, json: valid + String(repeating: " ", count: 300)),
                        .tooManyRequests, "resource_exhausted"
                    ),
                    (
                        try await Self.post(client, "/souk.identity.v1.IdentityService/Impersonate", json: valid),
                        .notFound, "unimplemented"
                    ),
                    (
                        try await Self.post(client, "/souk.catalog.v1.OrderService/WatchOrders", json: "{}"),
                        .notFound, "unimplemented"
                    ),
                    (
                        try await client.execute(uri: signUp, method: .get),
                        .methodNotAllowed, "unimplemented"
                    ),
                    (
                        try await Self.post(
                            client,
                            signUp,
                            json: valid,
                            headers: [.init("Connect-Timeout-Ms")!: "soon"]
                        ),
                        .badRequest, "invalid_argument"
                    ),
                    (
                        try await Self.post(
                            client,
                            "/souk.identity.v1.IdentityService/" + String(repeating: "A", count: 8_000),
                            json: valid
                        ),
                        .notFound, "unimplemented"
                    ),
                ]
                for (index, (response, status, code)) in cases.enumerated() {
                    #expect(response.status == status, "case \(index)")
                    #expect(response.headers[.contentType] == "application/json", "case \(index)")
                    let error = try Self.connectError(response)
                    #expect(error.code == code, "case \(index)")
                    #expect(!error.message.isEmpty, "case \(index)")
                }
                #expect(cases[7].0.headers[.allow] == "POST")
                // An unknown path is quoted, not echoed whole.
                #expect(try Self.connectError(cases[9].0).message.utf8.count < 160)
            }
            // None of them reached the identity service: the account was never created.
            let refused = await rpcError {
                _ = try await harness.login(email: "eve@shop.example", password: "correct horse battery")
            }
            #expect(refused != nil)
        }
    }

    @Test("over a real socket, with a deadline from Connect-Timeout-Ms")
    func live() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness, live: true) { client in
                let response = try await Self.post(
                    client,
                    "/souk.catalog.v1.CatalogService/ListCategories",
                    json: "{}",
                    headers: [.init("Connect-Timeout-Ms")!: "5000"]
                )
                #expect(response.status == .ok)
                #expect(client.port != nil)
            }
        }
    }

    @Test(
        "an Authorization header of 20 KB or 66 KB (over SWP's frame limit) is refused with 431 naming it, and the calls beside it on the shared connection all succeed"
    )
    func oversizedHeaderFailsAlone() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness, live: true) { client in
                let port = try #require(client.port)
                try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status, String).self) { group in
                    for index in 0..<40 {
                        group.addTask {
                            guard index % 10 == 0 else {
                                let (status, _) = try await Self.listCategoriesOnItsOwnConnection(port: port)
                                return (index, status, "")
                            }
                            let token = "Bearer " + String(repeating: "A", count: index % 20 == 0 ? 20_000 : 66_000)
                            let (status, message) = try await Self.listCategoriesOnItsOwnConnection(
                                port: port,
                                headers: [.authorization: token]
                            )
                            return (index, status, message)
                        }
                    }
                    for try await (index, status, message) in group {
                        if index % 10 == 0 {
                            #expect(status.code == 431, "call \(index)")
                            #expect(message.lowercased().contains("authorization"), "call \(index): \(message)")
                            #expect(message.utf8.count < 200, "call \(index)")
                        } else {
                            #expect(status == .ok, "call \(index)")
                        }
                    }
                }
            }
        }
    }

    /// ListCategories on a new HTTP/1.1 connection of its own, so 40 calls at once really run side by side at the
    /// bridge instead of queueing behind each other on one pipelined connection; bounded generously (a loaded
    /// machine is slow, never wrong). Its status and Connect error message.
    static func listCategoriesOnItsOwnConnection(
        port: Int,
        headers: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, String) {
        try await TestClient.withClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(300))) {
            client in
            var fields = headers
            fields[.contentType] = "application/json"
            let response = try await client.post(
                "/souk.catalog.v1.CatalogService/ListCategories",
                headers: fields,
                body: ByteBuffer(string: "{}")
            )
            let body = response.body.map { Data($0.readableBytesView) } ?? Data()
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            return (response.status, object?["message"] as? String ?? "")
        }
    }
}
