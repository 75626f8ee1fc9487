import Foundation
import SoukCouriers
import SoukMoney
import Testing

@testable import SoukDelivery

@Suite("Applying a courier's report to a shipment: new statuses, duplicates, a step back, final")
struct ShipmentTrackingTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func shipment(_ status: ShipmentStatus = .created) -> ShipmentRecord {
        ShipmentRecord(
            id: UUID(),
            order: UUID(),
            orderNumber: 7,
            customer: UUID(),
            quote: nil,
            status: status,
            carrier: "cdek",
            serviceCode: "136",
            serviceName: "Посылка склад-склад",
            courierReference: "uuid-1",
            trackingNumber: "",
            labelURL: "",
            registrationError: "",
            originWarehouse: "MSK-1",
            originCity: "Moscow",
            destination: Destination(country: "RU", region: "Moscow", city: "Moscow", postalCode: "101000"),
            cost: Money(minorUnits: 35_000, currency: .rub),
            promisedMinDays: 1,
            promisedMaxDays: 3,
            handedOverAt: nil,
            deliveredAt: nil,
            history: [
                .init(
                    from: nil,
                    to: status,
                    source: "delivery",
                    at: Self.start,
                    courierStatus: "",
                    note: "order packed"
                )
            ],
            createdAt: Self.start,
            updatedAt: Self.start
        )
    }

    static func report(_ steps: [(CourierStatus?, String)], number: String? = "1234567890") -> CourierTrackingReport {
        let history = steps.enumerated().map { index, step in
            CourierTracking(
                status: step.0,
                code: step.1,
                at: Self.start.addingTimeInterval(Double(index + 1) * 3600),
                city: "Moscow"
            )
        }
        return CourierTrackingReport(
            reference: "uuid-1",
            trackingNumber: number,
            current: history.last,
            history: history
        )
    }

    @Test("new statuses move the shipment at the courier's times, from courier:<name>, with its codes")
    func applies() {
        var shipment = Self.shipment()
        let report = Self.report([
            (.created, "CREATED"), (.handedOver, "RECEIVED_AT_SHIPMENT_WAREHOUSE"),
            (.inTransit, "SENT_TO_TRANSIT_CITY"),
        ])
        let outcome = shipment.apply(report, courier: "cdek", now: Self.start)
        #expect(outcome.applied == [.handedOver, .inTransit])
        #expect(outcome.duplicates == 1)
        #expect(outcome.ignored.isEmpty)
        #expect(outcome.trackingNumberSet)
        #expect(shipment.status == .inTransit)
        #expect(shipment.trackingNumber == "1234567890")
        #expect(shipment.handedOverAt == Self.start.addingTimeInterval(7200))
        let last = shipment.history.last
        #expect(last?.source == "courier:cdek")
        #expect(last?.courierStatus == "SENT_TO_TRANSIT_CITY")
        #expect(last?.at == Self.start.addingTimeInterval(3 * 3600))

        // The same report again changes nothing and ignores nothing: it is all recorded.
        let again = shipment.apply(report, courier: "cdek", now: Self.start)
        #expect(!again.changed)
        #expect(again.ignored.isEmpty)
        #expect(shipment.history.count == 3)
    }

    @Test(
        "duplicates and a status going backwards in one report: the duplicate changes nothing, the step back is ignored"
    )
    func duplicatesAndBackwards() {
        var shipment = Self.shipment()
        let report = Self.report([
            (.handedOver, "RECEIVED_AT_SHIPMENT_WAREHOUSE"), (.handedOver, "RECEIVED_AT_SHIPMENT_WAREHOUSE_AGAIN"),
            (.inTransit, "SENT_TO_TRANSIT_CITY"), (.handedOver, "RECEIVED_AT_SHIPMENT_WAREHOUSE"),
            (nil, "UNKNOWN_CODE"), (.outForDelivery, "TAKEN_BY_COURIER"),
        ])
        let outcome = shipment.apply(report, courier: "cdek", now: Self.start)
        #expect(outcome.applied == [.handedOver, .inTransit, .outForDelivery])
        #expect(outcome.duplicates == 1)
        #expect(outcome.ignored.map(\.status) == [.handedOver])
        #expect(shipment.status == .outForDelivery)
        #expect(shipment.history.map(\.to) == [.created, .handedOver, .inTransit, .outForDelivery])
    }

    @Test("after delivered, nothing moves the shipment: a later report is ignored")
    func final() {
        var shipment = Self.shipment()
        let delivered = Self.report([(.handedOver, "A"), (.outForDelivery, "B"), (.delivered, "DELIVERED")])
        #expect(
            shipment.apply(delivered, courier: "easypost", now: Self.start).applied == [
                .handedOver, .outForDelivery, .delivered,
            ]
        )
        #expect(shipment.status == .delivered)
        #expect(shipment.deliveredAt == Self.start.addingTimeInterval(3 * 3600))
        let late = Self.report([
            (.handedOver, "A"), (.outForDelivery, "B"), (.delivered, "DELIVERED"), (.returned, "RETURNED"),
        ])
        let outcome = shipment.apply(late, courier: "easypost", now: Self.start)
        #expect(outcome.applied.isEmpty)
        #expect(outcome.ignored.map(\.status) == [.returned])
        #expect(shipment.status == .delivered)
    }
}
