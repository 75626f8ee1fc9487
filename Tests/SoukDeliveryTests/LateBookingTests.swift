import AsyncHTTPClient
import Foundation
import Logging
import SoukAPI
import SoukCouriers
import SoukLocalProviders
import TestSupport
import Testing

@testable import SoukDelivery

@Suite("A booking that returns after its order was refunded is cancelled with the courier", .serialized)
struct LateBookingTests {
    @Test("EasyPost: a label bought as its order was refunded, which the refund could not see, is refunded")
    func refundedDuringBooking() async throws {
        try await LocalEasyPostServer.withLocalEasyPost(config: .init(advancesOnRead: false)) { server in
            let configure = CourierDeliveryTests.easyPost(server, pollInterval: .seconds(3600))
            try await DeliveryShop.with(configure: configure) { shop in
                let (customer, order) = try await shop.paidEasyPostOrder("late-booking@example.com")
                // The label is bought but the answer is lost: the shipment has no booking on record, as while a
                // booking call is still under way.
                server.loseAnswer(toNext: "/buy")
                try await shop.move(order, to: .packed)
                let unbooked = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    !$0.registrationError.isEmpty
                }
                #expect(unbooked.trackingNumber.isEmpty)
                #expect(server.purchaseCount == 1)
                // The refund finds no booking to cancel and cancels the shipment alone.
                try await shop.move(order, to: .refunded)
                let cancelled = try await shop.eventually {
                    try await shop.shipment(of: order, as: customer)
                } until: {
                    $0.status == .cancelled
                }
                #expect(cancelled.status == .cancelled)

                try await TestDatabase.withClient(shop.harness.databaseURL) { postgres in
                    let client = EasyPostClient(
                        httpClient: .shared,
                        config: .init(baseURL: server.baseURL, apiKey: CourierSecret("EZTK_local"))
                    )
                    let settings = DeliverySettings()
                    let courier = EasyPostCourier(client: client, origin: settings.origin)
                    let service = shop.standaloneService(postgres: postgres, couriers: [courier], settings: settings)
                    let store = DeliveryStore(client: postgres, logger: Logger(label: "test"))
                    let id = try #require(UUID(uuidString: cancelled.id))
                    let shipment = try #require(try await store.shipment(id))
                    // What the booking call answers when it comes back: the label bought (found from its draft).
                    let draft = try await store.registrationDraft(of: id)
                    let late = try await courier.register(
                        Self.booking(shipment),
                        draft: draft,
                        saveDraft: { _ in }
                    )
                    let label = try #require(late.trackingNumber)
                    #expect(server.refundStatus(ofLabel: label) == nil)
                    #expect(server.purchaseCount == 1)

                    await service.withdrawLateBooking(late, of: shipment)
                    #expect(server.refundStatus(ofLabel: label) == "submitted")
                    let after = try #require(try await store.shipment(id))
                    #expect(after.status == .cancelled)
                    #expect(after.courierReference.isEmpty)
                }
            }
        }
    }

    /// A booking of `shipment` as ``DeliveryService`` would make it (only the draft's lookup matters here).
    static func booking(_ shipment: ShipmentRecord) -> CourierBooking {
        CourierBooking(
            serviceCode: "",
            quoteReference: "",
            from: DeliverySettings().origin,
            to: DeliverySettings().origin,
            parcel: Parcel(weightGrams: 1_000, volumeCM3: 1_000, lengthMM: 100, widthMM: 100, heightMM: 100),
            number: shipment.id.uuidString.lowercased()
        )
    }
}
