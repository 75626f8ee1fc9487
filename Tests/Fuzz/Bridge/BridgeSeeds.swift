import SoukAPI
import SoukFuzzSupport
import SwiftProtobuf

@testable import SoukBridge

/// The bridge target's seeds, made from real requests: the calls a browser makes, envelopes, bodies and headers.
enum BridgeSeeds {
    static func all() -> [String: [UInt8]] {
        var seeds: [String: [UInt8]] = [:]
        Self.http(into: &seeds)
        Self.envelopes(into: &seeds)
        Self.bodies(into: &seeds)
        Self.contentTypes(into: &seeds)
        return seeds
    }

    /// A message with every field set, as the bridge's JSON or binary body.
    static func body(_ type: any SwiftProtobuf.Message.Type, json: Bool) -> [UInt8] {
        let message = SampleMessage.populated(type)
        return (json ? try? message.jsonUTF8Bytes() : try? message.serializedBytes()) ?? []
    }

    /// `Service-Method` of `package.Service/Method`, for a file name.
    static func fileName(_ method: String) -> String {
        String(method.split(separator: ".").last ?? "").replacing("/", with: "-")
    }

    static func envelope(_ flags: UInt8, _ message: [UInt8]) -> [UInt8] {
        let length = UInt32(message.count)
        return [
            flags, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
        ]
            + message
    }

    static func request(_ head: String, _ fields: [String], _ body: [UInt8] = []) -> [UInt8] {
        Array("H\(head)\n".utf8) + fields.flatMap { Array("\($0)\n".utf8) } + Array("\n".utf8) + body
    }

    /// `H`: a call of every bridged method as a browser sends it, and the session, webhook and page requests.
    static func http(into seeds: inout [String: [UInt8]]) {
        for (name, method) in BridgeMethods.souk.byName.sorted(by: { $0.key < $1.key }) {
            let short = Self.fileName(name)
            seeds["http-\(short)-json"] = Self.request(
                "POST /\(name)",
                ["content-type: application/json", "connect-protocol-version: 1", "connect-timeout-ms: 5000"],
                Self.body(method.inputType, json: true)
            )
            seeds["http-\(short)-proto"] = Self.request(
                "POST /\(name)",
                ["content-type: application/proto", "authorization: Bearer token"],
                Self.body(method.inputType, json: false)
            )
        }
        for (name, method) in BridgeStreamMethods.souk.sorted(by: { $0.key < $1.key }) {
            let short = Self.fileName(name)
            seeds["http-\(short)-stream-json"] = Self.request(
                "POST /\(name)",
                ["content-type: application/connect+json", "cookie: souk_session={session}", "x-csrf-token: {csrf}"],
                Self.envelope(0, Self.body(method.inputType, json: true))
            )
        }
        for (name, method) in BridgeClientStreamMethods.souk.sorted(by: { $0.key < $1.key }) {
            let short = Self.fileName(name)
            let message = Self.body(method.inputType, json: false)
            seeds["http-\(short)-client-stream-proto"] = Self.request(
                "POST /\(name) 7",
                ["content-type: application/connect+proto", "authorization: Bearer token"],
                Self.envelope(0, message) + Self.envelope(0, message)
            )
        }
        let product = "/souk.catalog.v1.CatalogService/GetProduct"
        seeds["http-session-cookie"] = Self.request(
            "POST \(product)",
            [
                "content-type: application/json; charset=utf-8", "cookie: theme=dark; souk_session={session}",
                "x-csrf-token: {csrf}", "origin: https://shop.example",
            ],
            Self.body(Souk_Catalog_V1_GetProductRequest.self, json: true)
        )
        seeds["http-login"] = Self.request(
            "POST /session/login",
            ["content-type: application/json"],
            Array(#"{"email":"ada@example.com","password":"correct horse","totp_code":"123456"}"#.utf8)
        )
        seeds["http-logout"] = Self.request(
            "POST /session/logout",
            ["cookie: souk_session={session}", "x-csrf-token: {csrf}"]
        )
        seeds["http-session-status"] = Self.request("GET /session", ["cookie: souk_session={session}"])
        seeds["http-preflight"] = Self.request(
            "OPTIONS \(product)",
            [
                "origin: https://shop.example", "access-control-request-method: POST",
                "access-control-request-headers: content-type,connect-timeout-ms",
            ]
        )
        seeds["http-webhook-stripe"] = Self.request(
            "POST /webhooks/stripe",
            ["content-type: application/json", "stripe-signature: t=1700000000,v1=abc"],
            Array(#"{"id":"evt_1","type":"payment_intent.succeeded"}"#.utf8)
        )
        seeds["http-webhook-cdek"] = Self.request(
            "POST /webhooks/cdek",
            ["content-type: application/json"],
            Array(#"{"type":"ORDER_STATUS","uuid":"u-1"}"#.utf8)
        )
        seeds["http-get-page"] = Self.request("GET /index.html", [])
        seeds["http-bad-timeout"] = Self.request(
            "POST \(product)",
            ["content-type: application/json", "connect-timeout-ms: 12345678901"],
            Array("{}".utf8)
        )
    }

    /// `E`: chunk size, message limit (x8), body.
    static func envelopes(into seeds: inout [String: [UInt8]]) {
        let message = Self.body(Souk_Catalog_V1_ImportProductsRequest.self, json: false)
        seeds["envelope-one"] = [69, 3, 64] + Self.envelope(0, message)
        seeds["envelope-two"] = [69, 1, 255] + Self.envelope(0, message) + Self.envelope(0, Array("{}".utf8))
        seeds["envelope-end-stream"] = [69, 4, 16] + Self.envelope(0, []) + Self.envelope(2, Array("{}".utf8))
        seeds["envelope-compressed"] = [69, 0, 16] + Self.envelope(1, message)
    }

    /// `B`: method index, codec bit, body; one per bridged method and codec.
    static func bodies(into seeds: inout [String: [UInt8]]) {
        for (index, method) in BodyHarness.methods.enumerated() where index < 256 {
            let short = Self.fileName(method.name)
            seeds["body-\(short)-json"] = [66, UInt8(index), 1] + Self.body(method.input, json: true)
            seeds["body-\(short)-proto"] = [66, UInt8(index), 0] + Self.body(method.input, json: false)
        }
    }

    /// `C`: content types and cookies.
    static func contentTypes(into seeds: inout [String: [UInt8]]) {
        let texts = [
            "application/json", "application/json; charset=utf-8", "application/proto", "APPLICATION/JSON",
            "application/connect+json", "application/connect+proto; charset=utf-8", "text/plain",
            "theme=dark; souk_session=abc123",
        ]
        for (index, text) in texts.enumerated() {
            seeds["content-type-\(index)"] = [67] + Array(text.utf8)
        }
    }
}
