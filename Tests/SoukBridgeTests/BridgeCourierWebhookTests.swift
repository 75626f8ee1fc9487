import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SoukBridge
import SoukCouriers
import SoukDelivery
import SoukHost
import TestSupport
import Testing

@Suite("Couriers' webhooks through the bridge to a real host")
struct BridgeCourierWebhookTests {
    static let secret = "whsec_easypost_bridge"

    /// A host with EasyPost (at an address nothing listens on: an event about a tracker Souk does not know never
    /// calls EasyPost) and no CDEK keys.
    static func withEasyPostHost(_ body: @Sendable (IdentityHarness) async throws -> Void) async throws {
        try await IdentityHarness.with(
            wire: .swp,
            configure: { config in
                config.deliverySandbox = false
                config.delivery.easyPost = .init(
                    baseURL: "http://127.0.0.1:9",
                    apiKey: CourierSecret("EZTK_bridge"),
                    webhookSecret: CourierSecret(Self.secret)
                )
            },
            body
        )
    }

    /// A tracker event about a tracker no shipment has.
    static let event = Array(
        #"{"id":"evt_bridge_ep_1","object":"Event","description":"tracker.updated","result":{"id":"trk_nobody","object":"Tracker","tracking_code":"9400","status":"in_transit","tracking_details":[{"status":"in_transit","message":"In transit","datetime":"2026-03-02T07:19:00Z"}]}}"#
            .utf8
    )

    static func signed(_ body: [UInt8], secret: String = Self.secret) -> HTTPFields {
        let header = EasyPostWebhookSignature(secret: CourierSecret(secret)).header(body: body)
        return [.init("X-Hmac-Signature")!: header]
    }

    @Test("EasyPost: signed is 200 with nothing to apply, unsigned or forged 401; CDEK not configured 503; GET 405")
    func easyPost() async throws {
        try await Self.withEasyPostHost { harness in
            try await BridgeResponderTests.withBridge(harness, live: true) { client in
                let signed = try await BridgeWebhookTests.post(
                    client,
                    "/webhooks/easypost",
                    body: Self.event,
                    headers: Self.signed(Self.event)
                )
                #expect(signed.status == .ok, "\(BridgeWebhookTests.text(signed))")
                #expect(BridgeWebhookTests.text(signed) == "ok: nothing to apply\n")

                let unsigned = try await BridgeWebhookTests.post(client, "/webhooks/easypost", body: Self.event)
                #expect(unsigned.status == .unauthorized)
                #expect(BridgeWebhookTests.text(unsigned).hasPrefix("unauthenticated: X-Hmac-Signature"))

                let forged = try await BridgeWebhookTests.post(
                    client,
                    "/webhooks/easypost",
                    body: Self.event,
                    headers: Self.signed(Self.event, secret: "whsec_someone_else")
                )
                #expect(forged.status == .unauthorized)

                let cdek = try await BridgeWebhookTests.post(client, "/webhooks/cdek", body: Array("{}".utf8))
                #expect(cdek.status == .serviceUnavailable, "\(BridgeWebhookTests.text(cdek))")

                let get = try await client.execute(uri: "/webhooks/easypost", method: .get)
                #expect(get.status == .methodNotAllowed)
            }
        }
    }
}
