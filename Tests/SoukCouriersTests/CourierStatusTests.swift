import SoukCouriers
import Testing

@Suite("CDEK's and EasyPost's statuses in Souk's words")
struct CourierStatusTests {
    @Test(
        "CDEK codes map as providers.md's table says",
        arguments: [
            ("ACCEPTED", .created), ("CREATED", .created), ("RECEIVED_AT_SENDER_WAREHOUSE", .handedOver),
            ("READY_FOR_SHIPMENT_IN_SENDER_CITY", .inTransit), ("TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY", .inTransit),
            ("SENT_TO_TRANSIT_CITY", .inTransit), ("ACCEPTED_IN_TRANSIT_CITY", .inTransit),
            ("ACCEPTED_AT_TRANSIT_WAREHOUSE", .inTransit), ("READY_FOR_SHIPMENT_IN_TRANSIT_CITY", .inTransit),
            ("TAKEN_BY_TRANSPORTER_FROM_TRANSIT_CITY", .inTransit), ("SENT_TO_RECIPIENT_CITY", .inTransit),
            ("ARRIVED_AT_RECIPIENT_CITY", .inTransit), ("ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE", .inTransit),
            ("TAKEN_BY_COURIER", .outForDelivery), ("ACCEPTED_AT_PICK_UP_POINT", .outForDelivery),
            ("DELIVERED", .delivered), ("NOT_DELIVERED", .failedAttempt),
            ("RETURNED_TO_SENDER_CITY_WAREHOUSE", .returned), ("RETURNED_TO_TRANSIT_WAREHOUSE", .returned),
            ("RETURNED_TO_RECIPIENT_CITY_WAREHOUSE", .returned), ("REMOVED", .returned), ("INVALID", nil),
            ("SOMETHING_NEW", nil), ("", nil), ("delivered", nil),
        ] as [(String, CourierStatus?)]
    )
    func cdek(code: String, status: CourierStatus?) {
        #expect(CDEKStatus.status(code) == status)
    }

    @Test(
        "EasyPost statuses map as the brief's table says",
        arguments: [
            ("pre_transit", .created), ("in_transit", .inTransit), ("out_for_delivery", .outForDelivery),
            ("available_for_pickup", .outForDelivery), ("delivered", .delivered), ("return_to_sender", .returned),
            ("failure", .failedAttempt), ("unknown", nil), ("cancelled", nil), ("error", nil), ("DELIVERED", nil),
        ] as [(String, CourierStatus?)]
    )
    func easyPost(status: String, expected: CourierStatus?) {
        #expect(EasyPostStatus.status(status) == expected)
    }

    @Test("ranks order the way; only delivered and returned are final")
    func ranks() {
        #expect(CourierStatus.created.rank < CourierStatus.handedOver.rank)
        #expect(CourierStatus.inTransit.rank < CourierStatus.outForDelivery.rank)
        #expect(CourierStatus.outForDelivery.rank < CourierStatus.delivered.rank)
        #expect(CourierStatus.allCases.filter(\.isFinal) == [.delivered, .returned])
    }
}
