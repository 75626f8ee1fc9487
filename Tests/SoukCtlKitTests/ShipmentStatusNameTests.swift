import SoukAPI
import SoukCtlKit
import Testing

@Suite("Shipment statuses on the command line")
struct ShipmentStatusNameTests {
    @Test("names parse both ways, in any case and with dashes")
    func names() throws {
        for (name, status) in ShipmentStatusName.all {
            #expect(try ShipmentStatusName.parse(name) == status)
            #expect(ShipmentStatusName.name(status) == name)
        }
        #expect(try ShipmentStatusName.parse("Out-For-Delivery") == .outForDelivery)
        #expect(ShipmentStatusName.name(.unspecified) == "unspecified")
        #expect(throws: CtlError.self) { try ShipmentStatusName.parse("lost") }
    }

    @Test("the next moves follow the way to delivered, and final statuses have none")
    func nextMoves() {
        var path: [String] = []
        var status = Souk_Delivery_V1_ShipmentStatus.created
        while let next = ShipmentStatusName.nextMoves(from: status).first {
            path.append(ShipmentStatusName.name(next))
            status = next
        }
        #expect(path == ["handed_over", "in_transit", "out_for_delivery", "delivered"])
        #expect(ShipmentStatusName.nextMoves(from: .failedAttempt) == [.outForDelivery, .returned])
        #expect(ShipmentStatusName.nextMoves(from: .returned).isEmpty)
        #expect(ShipmentStatusName.nextMoves(from: .cancelled).isEmpty)
        let final: [Souk_Delivery_V1_ShipmentStatus] = [.delivered, .returned, .cancelled]
        for (_, status) in ShipmentStatusName.all where !final.contains(status) {
            #expect(ShipmentStatusName.nextMoves(from: status).contains(.returned))
        }
    }
}
