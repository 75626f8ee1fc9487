import SoukAPI
import SoukCtlKit
import Testing

@Suite("Shipment routes and promises as text")
struct ShipmentTextTests {
    @Test("a route names each place once, in order, and skips the missing ones")
    func route() {
        var route = Souk_Delivery_V1_Route()
        route.originWarehouse = "SPB-1"
        route.originCity = "SPB-1"
        route.destinationCity = "Moscow"
        route.destinationRegion = "moscow"
        route.destinationCountry = "RU"
        #expect(ShipmentText.route(route) == "SPB-1 → Moscow, RU")
        route.originCity = "Saint Petersburg"
        route.destinationCity = ""
        route.destinationRegion = "Tatarstan"
        #expect(ShipmentText.route(route) == "SPB-1 Saint Petersburg → Tatarstan, RU")
    }

    @Test(
        "days read as a range, or as one number when min and max agree",
        arguments: [
            (Int32(1), Int32(3), "1–3 days"), (0, 0, "0 days"), (1, 1, "1 day"), (5, 5, "5 days"),
        ]
    )
    func days(min: Int32, max: Int32, text: String) {
        #expect(ShipmentText.days(min: min, max: max) == text)
    }
}
