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

@Suite("Connect streams (server and client) through the bridge")
struct BridgeStreamingTests {
    /// The envelopes of a streaming body: (flags, message bytes).
    static func envelopes(_ body: ByteBuffer) throws -> [(UInt8, [UInt8])] {
        var buffer = body
        var result: [(UInt8, [UInt8])] = []
        while buffer.readableBytes > 0 {
            guard let flags = buffer.readInteger(as: UInt8.self), let length = buffer.readInteger(as: UInt32.self),
                let bytes = buffer.readBytes(length: Int(length))
            else {
                throw ConnectError(.dataLoss, "a truncated envelope")
            }
            result.append((flags, bytes))
        }
        return result
    }

    static func watch(
        _ client: any TestClientProtocol,
        cookie id: String,
        csrf: String,
        timeoutMs: Int
    ) async throws -> TestResponse {
        try await client.execute(
            uri: "/souk.catalog.v1.OrderService/WatchOrders",
            method: .post,
            headers: [
                .contentType: "application/connect+json",
                .cookie: "souk_session=\(id)",
                .init("X-CSRF-Token")!: csrf,
                .init("Connect-Timeout-Ms")!: "\(timeoutMs)",
            ],
            body: ByteBuffer(bytes: [0, 0, 0, 0, 2] + Array("{}".utf8))
        )
    }

    static func signIn(
        _ client: any TestClientProtocol,
        email: String,
        password: String
    ) async throws -> (
        String, String
    ) {
        let login = try await BridgeResponderTests.post(
            client,
            "/session/login",
            json: #"{"email":"\#(email)","password":"\#(password)"}"#
        )
        let setCookie = try #require(login.headers[.setCookie])
        let id = String(try #require(setCookie.split(separator: ";").first).dropFirst("souk_session=".count))
        let csrf = try #require(try BridgeSessionTests.object(login)["csrf_token"] as? String)
        return (id, csrf)
    }

    @Test("staff watching through a cookie see a placed order, then the end-stream envelope; a customer is refused")
    func watchOrders() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            _ = try await BridgeResponderTests.publishedMug(harness)
            let admin = IdentityHarness.bearer(
                try await harness.login(email: "root@souk.example", password: "admin password 2026!").tokens
                    .accessToken
            )
            var stock = Souk_Catalog_V1_SetStockRequest()
            stock.sku = "MUG-350"
            stock.warehouse = "MSK-1"
            stock.onHand = 500
            _ = try await harness.catalog.setStock(stock, metadata: admin)
            let ann = IdentityHarness.bearer(try await harness.customer(email: "ann@shop.example").accessToken)
            let cartLine = {
                var line = Souk_Catalog_V1_SetCartLineRequest()
                line.sku = "MUG-350"
                line.quantity = 1
                return line
            }()

            var logger = Logger(label: "souk-bridge-test")
            logger.logLevel = .warning
            let app = Application(
                responder: BridgeResponder(client: harness.client, logger: logger),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                logger: logger
            )
            try await app.test(.live) { client in
                let (staff, staffCSRF) = try await Self.signIn(
                    client,
                    email: "root@souk.example",
                    password: "admin password 2026!"
                )
                // Whenever the watch opens, orders placed after it reach it: one order after another until the
                // watch has ended, so no guess about how long the bridge takes to start it is needed.
                let placer = Task { () -> [String] in
                    var placed: [String] = []
                    while !Task.isCancelled, placed.count < 200 {
                        do {
                            _ = try await harness.catalog.setCartLine(cartLine, metadata: ann)
                            var place = Souk_Catalog_V1_PlaceOrderRequest()
                            place.idempotencyKey = "bridge-watch-\(placed.count)"
                            place.currency = "USD"
                            placed.append(try await harness.orders.placeOrder(place, metadata: ann).id)
                            try await Task.sleep(for: .milliseconds(100))
                        } catch {
                            break
                        }
                    }
                    return placed
                }
                // The watch ends at its deadline; the body holds what streamed until then.
                // A generous deadline: on a loaded machine the first order may take seconds to be placed.
                let response = try await Self.watch(client, cookie: staff, csrf: staffCSRF, timeoutMs: 15_000)
                placer.cancel()
                let placed = await placer.value
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/connect+json")
                let envelopes = try Self.envelopes(response.body)
                let messages = envelopes.filter { $0.0 == 0 && $0.1 != Array("{}".utf8) }
                let update = try Souk_Catalog_V1_OrderUpdate(jsonUTF8Bytes: try #require(messages.first).1)
                #expect(update.type == "order.placed" && placed.contains(update.order.id))
                let end = try #require(envelopes.last)
                #expect(end.0 == 0x02)
                let endObject = try JSONSerialization.jsonObject(with: Data(end.1)) as? [String: Any]
                let endError = endObject?["error"] as? [String: Any]
                #expect(endError?["code"] as? String == "deadline_exceeded")

                let (customer, customerCSRF) = try await Self.signIn(
                    client,
                    email: "ann@shop.example",
                    password: "correct horse battery"
                )
                let refused = try await Self.watch(client, cookie: customer, csrf: customerCSRF, timeoutMs: 30_000)
                #expect(refused.status == .ok)
                let only = try Self.envelopes(refused.body)
                #expect(only.count == 1 && only.first?.0 == 0x02)
                let refusal = try JSONSerialization.jsonObject(with: Data(try #require(only.first).1)) as? [String: Any]
                #expect((refusal?["error"] as? [String: Any])?["code"] as? String == "permission_denied")

                let noCSRF = try await Self.watch(client, cookie: customer, csrf: "wrong", timeoutMs: 30_000)
                let denied = try Self.envelopes(noCSRF.body)
                #expect(denied.count == 1 && denied.first?.0 == 0x02)
            }
        }
    }

    @Test("a quiet watch gets an empty message every heartbeat, so a browser that left is noticed by a failed write")
    func heartbeat() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            _ = try await harness.admin()
            var logger = Logger(label: "souk-bridge-test")
            logger.logLevel = .warning
            let app = Application(
                responder: BridgeResponder(
                    client: harness.client,
                    config: BridgeConfig(maxBodyBytes: 1 << 20, streamHeartbeat: .milliseconds(300)),
                    logger: logger
                ),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                logger: logger
            )
            try await app.test(.live) { client in
                let (staff, csrf) = try await Self.signIn(
                    client,
                    email: "root@souk.example",
                    password: "admin password 2026!"
                )
                let response = try await Self.watch(client, cookie: staff, csrf: csrf, timeoutMs: 10_000)
                let envelopes = try Self.envelopes(response.body)
                let messages = envelopes.filter { $0.0 == 0 }
                // 10 s at one per 0.3 s: at most 34, and at least two however slowly the machine runs (more than one
                // shows it repeats); every one is the empty message.
                #expect((2...34).contains(messages.count), "\(messages.count) heartbeats")
                #expect(messages.allSatisfy { $0.1 == Array("{}".utf8) })
                #expect(envelopes.last?.0 == 0x02)
            }
        }
    }

    @Test(
        "ImportProducts as a Connect client stream: chunks in envelopes, one reply and the end-stream; bad input refused"
    )
    func importProducts() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            _ = try await BridgeResponderTests.publishedMug(harness)
            let admin = try await harness.login(email: "root@souk.example", password: "admin password 2026!").tokens
            var logger = Logger(label: "souk-bridge-test")
            logger.logLevel = .warning
            let app = Application(
                responder: BridgeResponder(
                    client: harness.client,
                    config: BridgeConfig(maxBodyBytes: 4096, maxUploadBytes: 16384),
                    logger: logger
                ),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                logger: logger
            )
            @Sendable func envelope(_ json: String) -> [UInt8] {
                let bytes = Array(json.utf8)
                return [0, UInt8(bytes.count >> 24), UInt8(bytes.count >> 16 & 0xFF), UInt8(bytes.count >> 8 & 0xFF)]
                    + [UInt8(bytes.count & 0xFF)] + bytes
            }
            @Sendable func chunk(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
            try await app.test(.live) { client in
                func upload(_ body: [UInt8]) async throws -> [(UInt8, [UInt8])] {
                    let response = try await client.execute(
                        uri: "/souk.catalog.v1.CatalogService/ImportProducts",
                        method: .post,
                        headers: [
                            .contentType: "application/connect+json", .authorization: "Bearer \(admin.accessToken)",
                        ],
                        body: ByteBuffer(bytes: body)
                    )
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/connect+json")
                    return try Self.envelopes(response.body)
                }
                // A line split across two envelopes, and a bad row reported by line and field.
                let csv =
                    "category,title,sku,price,currency\nkitchen,Teapot,TEA-1,2500.00,RUB\nkitchen,Cup,CUP-1,oops,RUB\n"
                let split = csv.index(csv.startIndex, offsetBy: 45)
                let body =
                    envelope(
                        #"{"format":"IMPORT_FORMAT_CSV","publish":true,"chunk":"\#(chunk(String(csv[..<split])))"}"#
                    )
                    + envelope(#"{"chunk":"\#(chunk(String(csv[split...])))"}"#)
                let replied = try await upload(body)
                #expect(replied.count == 2 && replied.first?.0 == 0 && replied.last?.0 == 0x02)
                let reply = try Souk_Catalog_V1_ImportProductsResponse(jsonUTF8Bytes: try #require(replied.first).1)
                #expect(reply.rows == 2 && reply.imported == 1)
                #expect(reply.errors.map(\.line) == [3] && reply.errors.first?.field == "price")
                #expect(replied.last.map { Array($0.1) } == Array("{}".utf8))

                // Refusals arrive in the end-stream: a body cut inside an envelope, a message over the limit,
                // malformed JSON, and no token.
                let cut = try await upload(Array(envelope(#"{"chunk":""}"#).dropLast(2)))
                #expect(try Self.endError(cut) == "invalid_argument")
                let large = try await upload(envelope(#"{"chunk":"\#(chunk(String(repeating: "x", count: 5000)))"}"#))
                #expect(try Self.endError(large) == "resource_exhausted")
                let malformed = try await upload(envelope(#"{"chunk": 12}"#))
                #expect(try Self.endError(malformed) == "invalid_argument")
                let anonymous = try await client.execute(
                    uri: "/souk.catalog.v1.CatalogService/ImportProducts",
                    method: .post,
                    headers: [.contentType: "application/connect+json"],
                    body: ByteBuffer(bytes: envelope(#"{"format":"IMPORT_FORMAT_CSV","chunk":""}"#))
                )
                #expect(try Self.endError(try Self.envelopes(anonymous.body)) == "unauthenticated")
            }
            // Only the good row was written.
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.query = "Teapot"
            #expect(try await harness.catalog.searchProducts(search).products.map(\.title) == ["Teapot"])
        }
    }

    /// The code of the end-stream envelope's error, the only or last envelope.
    static func endError(_ envelopes: [(UInt8, [UInt8])]) throws -> String? {
        let end = try #require(envelopes.last)
        #expect(end.0 == 0x02)
        let object = try JSONSerialization.jsonObject(with: Data(end.1)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }
}
