import SoukCouriers
import SoukLocalProviders
import Testing

@Suite("The local couriers push status changes as webhooks")
struct LocalCourierWebhookTests {
    @Test("CDEK: nothing before POST /webhooks; then one ORDER_STATUS per step, duplicates and steps back included")
    func cdek() async throws {
        let box = WebhookBox()
        try await LocalCDEKFixture.with(advancesOnRead: false, webhookDestination: box.destination) { cdek in
            let order = try await cdek.client.register(
                tariffCode: 136,
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box],
                number: "shp-hook"
            )
            cdek.server.advance(order.reference)
            await cdek.server.webhooks.settle()
            #expect(box.all.isEmpty, "not subscribed yet")

            let subscription = try await cdek.client.subscribeOrderStatus(url: "https://shop.example/webhooks/cdek")
            #expect(!subscription.isEmpty)
            cdek.server.setScript(
                ["TAKEN_BY_COURIER", "TAKEN_BY_COURIER", "SENT_TO_RECIPIENT_CITY"],
                for: order.reference
            )
            for _ in 0..<3 { cdek.server.advance(order.reference) }
            await cdek.server.webhooks.settle()

            let webhooks = try box.all.map { try CDEKWebhook(parsing: $0.body) }
            #expect(webhooks.map(\.code) == ["TAKEN_BY_COURIER", "TAKEN_BY_COURIER", "SENT_TO_RECIPIENT_CITY"])
            #expect(webhooks.map(\.status) == [.outForDelivery, .outForDelivery, .inTransit])
            #expect(webhooks.allSatisfy { $0.uuid == order.reference && $0.number == "shp-hook" })
            #expect(Set(box.all.map(\.eventID)).count == 3, "each step its own event")
            // The webhook only says which order to re-read; the read agrees.
            let report = try await cdek.client.order(order.reference)
            #expect(report.current?.code == "SENT_TO_RECIPIENT_CITY")
        }
    }

    @Test("CDEK: subscribed by URL, each step is POSTed there, and a refused delivery is retried")
    func cdekByURL() async throws {
        try await WebhookReceiver.with(answers: [500]) { receiver, url in
            try await LocalCDEKFixture.with(advancesOnRead: false) { cdek in
                let order = try await cdek.client.register(
                    tariffCode: 136,
                    from: Places.moscowWarehouse,
                    to: Places.petersburgBuyer,
                    parcels: [Places.box],
                    number: "shp-url"
                )
                _ = try await cdek.client.subscribeOrderStatus(url: url)
                cdek.server.advance(order.reference)
                await cdek.server.webhooks.settle()
                #expect(cdek.server.webhooks.attempts.map(\.outcome) == [.status(500), .status(200)])
                let received = receiver.received
                #expect(received.count == 2 && received.first?.body == received.last?.body)
                let webhook = try CDEKWebhook(parsing: try #require(received.last).body)
                #expect(webhook.uuid == order.reference && webhook.code == "RECEIVED_AT_SENDER_WAREHOUSE")
                #expect(received.last?.headers["content-type"] == "application/json; charset=utf-8")
            }
        }
    }

    @Test("EasyPost: each step is a tracker.updated event, signed with X-Hmac-Signature over its raw body")
    func easyPost() async throws {
        let box = WebhookBox()
        let secret = CourierSecret("whsec_local_\u{e9}")
        let webhooks = LocalEasyPostServer.Webhooks(destination: box.destination, secret: secret)
        try await LocalEasyPostFixture.with(webhooks: webhooks) { easypost in
            let quote = try await easypost.client.quote(
                from: Places.sanFranciscoWarehouse,
                to: Places.austinBuyer,
                parcel: Places.box
            )
            let label = try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
            _ = try await easypost.client.tracker(label.trackingReference)
            _ = try await easypost.client.tracker(label.trackingReference)
            await easypost.server.webhooks?.settle()

            let signature = EasyPostWebhookSignature(secret: secret)
            let received = box.all
            #expect(received.count == 2)
            for webhook in received {
                try signature.verify(body: webhook.body, header: webhook.headers["X-Hmac-Signature"])
            }
            let events = try received.map { try EasyPostEvent(parsing: $0.body) }
            #expect(events.map(\.kind) == ["tracker.updated", "tracker.updated"])
            #expect(events.map { $0.tracking.current?.status } == [.inTransit, .outForDelivery])
            #expect(events.allSatisfy { $0.tracking.reference == label.trackingReference })
            #expect(events.map(\.id) == ["evt_local1", "evt_local2"])

            let other = EasyPostWebhookSignature(secret: CourierSecret("whsec_local_e"))
            #expect(throws: EasyPostSignatureError.mismatch) {
                try other.verify(body: received[0].body, header: received[0].headers["X-Hmac-Signature"])
            }
        }
    }
}
