import AsyncHTTPClient
import Foundation
import SoukCouriers
import SoukLocalProviders
import SoukMoney
import Testing

@Suite("The CDEK client against the local CDEK: tariffs, orders, statuses and errors")
struct CDEKClientTests {
    @Test("the tariff list prices every tariff exactly in kopecks, with business days")
    func tariffList() async throws {
        try await LocalCDEKFixture.with { cdek in
            let rates = try await cdek.client.tariffs(
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box]
            )
            // 300.00 + 2 started kilograms × 47.50 + zone 1 × 15.25 (+ 6 or 10 zone steps for door delivery).
            #expect(rates.map(\.code) == ["136", "137", "139"])
            #expect(rates.map(\.minorUnits) == [41_025, 50_175, 56_275])
            #expect(rates.allSatisfy { $0.currency == .rub })
            #expect(rates.map(\.minDays) == [2, 3, 3] && rates.map(\.maxDays) == [4, 5, 6])
            #expect(rates[0].name == "Посылка склад-склад")
            #expect(rates[0].price.description == "410.25 RUB")
        }
    }

    @Test("a whole-rouble sum (a JSON number without decimals) is whole roubles in kopecks")
    func wholeRoubles() async throws {
        try await LocalCDEKFixture.with { cdek in
            let rates = try await cdek.client.tariffs(
                from: Places.moscowWarehouse,
                to: Places.at("010000", Places.petersburgBuyer),
                parcels: [Places.box]
            )
            #expect(rates.first?.minorUnits == 39_500)
        }
    }

    @Test("one tariff is priced by /calculator/tariff, in the currency CDEK names")
    func oneTariff() async throws {
        try await LocalCDEKFixture.with { cdek in
            let rate = try await cdek.client.tariff(
                137,
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box, Places.box]
            )
            // 2.4 kg: 3 started kilograms.
            #expect(rate.code == "137" && rate.minorUnits == 30_000 + 3 * 4_750 + 7 * 1_525)
            #expect(rate.currency == .rub && rate.minDays == 3 && rate.maxDays == 5)
        }
    }

    @Test("a zero-decimal currency (JPY) is priced in whole yen")
    func yen() async throws {
        try await LocalCDEKFixture.with { cdek in
            let client = CDEKClient(
                httpClient: .shared,
                config: .init(
                    baseURL: cdek.server.baseURL,
                    clientID: LocalCDEKFixture.clientID,
                    clientSecret: CourierSecret(LocalCDEKFixture.secret),
                    currency: .jpy
                ),
                clock: cdek.clock
            )
            let rates = try await client.tariffs(
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box]
            )
            #expect(rates.first?.minorUnits == 650 + 2 * 75 + 25 && rates.first?.currency == .jpy)
        }
    }

    @Test("register, then each read moves the order one step and reports its statuses oldest first")
    func registerAndTrack() async throws {
        try await LocalCDEKFixture.with { cdek in
            let order = try await cdek.client.register(
                tariffCode: 136,
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box],
                number: "shp-0001"
            )
            #expect(order.reference == order.trackingReference && order.trackingNumber == nil)
            #expect(cdek.server.orderCount == 1 && cdek.server.statuses(of: order.reference) == ["CREATED"])

            let first = try await cdek.client.order(order.reference)
            #expect(first.trackingNumber == "1000000001")
            #expect(first.history.map(\.code) == ["CREATED", "RECEIVED_AT_SENDER_WAREHOUSE"])
            #expect(first.history.map(\.status) == [.created, .handedOver])
            #expect(first.current?.status == .handedOver && first.current?.city == "Moscow")
            #expect(first.current?.at == TestClock.start)

            var statuses: [CourierStatus?] = []
            for _ in 0..<5 { statuses.append(try await cdek.client.order(order.reference).current?.status) }
            // The standard script ends at DELIVERED; a read after the end changes nothing.
            #expect(statuses == [.inTransit, .inTransit, .outForDelivery, .delivered, .delivered])
            let last = try await cdek.client.order(order.reference)
            #expect(last.history.count == 6 && last.current?.city == "Saint Petersburg")
        }
    }

    @Test("an order found by Souk's number (im_number): the one registered under it; none under another")
    func orderByNumber() async throws {
        try await LocalCDEKFixture.with(advancesOnRead: false) { cdek in
            #expect(try await cdek.client.order(number: "shp 0003/ü") == nil)
            let order = try await cdek.client.register(
                tariffCode: 136,
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box],
                number: "shp 0003/ü"
            )
            let found = try #require(try await cdek.client.order(number: "shp 0003/ü"))
            #expect(found.reference == order.reference)
            #expect(found.trackingNumber == "1000000001")
            #expect(found.current?.code == "CREATED")
            #expect(try await cdek.client.order(number: "shp-0004") == nil)
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.order(number: String(repeating: "9", count: 41))
            }
            #expect(error?.code == .invalidRequest && error?.field == "number")
        }
    }

    @Test("an order deleted before CDEK has it is REMOVED; one CDEK has in hand is refused; an unknown one not found")
    func deleteOrder() async throws {
        try await LocalCDEKFixture.with(advancesOnRead: false) { cdek in
            var uuids: [String] = []
            for number in ["shp-del-1", "shp-del-2"] {
                let order = try await cdek.client.register(
                    tariffCode: 136,
                    from: Places.moscowWarehouse,
                    to: Places.petersburgBuyer,
                    parcels: [Places.box],
                    number: number
                )
                uuids.append(order.reference)
            }
            try await cdek.client.deleteOrder(uuids[0])
            #expect(cdek.server.statuses(of: uuids[0]) == ["CREATED", "REMOVED"])
            #expect(try await cdek.client.order(uuids[0]).current?.status == .returned)

            cdek.server.advance(uuids[1])
            let inHand = await #expect(throws: CourierError.self) { try await cdek.client.deleteOrder(uuids[1]) }
            #expect(inHand?.code == .invalidRequest)
            #expect(!cdek.server.statuses(of: uuids[1]).contains("REMOVED"))
            let unknown = await #expect(throws: CourierError.self) {
                try await cdek.client.deleteOrder("00000000-0000-0000-0000-000000000000")
            }
            #expect(unknown?.code == .notFound)
        }
    }

    @Test("a script with a duplicate and a step back is reported as it happens")
    func duplicateAndBackwards() async throws {
        try await LocalCDEKFixture.with { cdek in
            let order = try await cdek.client.register(
                tariffCode: 139,
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box],
                number: "shp-0002"
            )
            let script = [
                "SENT_TO_TRANSIT_CITY", "SENT_TO_TRANSIT_CITY", "TAKEN_BY_COURIER", "SENT_TO_RECIPIENT_CITY",
                "DELIVERED",
            ]
            #expect(cdek.server.setScript(script, for: order.reference))
            var seen: [String] = []
            for _ in script { seen.append(try await cdek.client.order(order.reference).current?.code ?? "") }
            #expect(seen == script)
            let report = try await cdek.client.order(order.reference)
            #expect(
                report.history.map(\.status) == [
                    .created, .inTransit, .inTransit, .outForDelivery, .inTransit, .delivered,
                ]
            )
        }
    }

    @Test("with reads not advancing, only advance(_:) moves an order")
    func manualAdvance() async throws {
        try await LocalCDEKFixture.with(advancesOnRead: false) { cdek in
            let order = try await cdek.client.register(
                tariffCode: 136,
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box],
                number: "shp-0003"
            )
            #expect(try await cdek.client.order(order.reference).current?.status == .created)
            #expect(try await cdek.client.order(order.reference).current?.status == .created)
            #expect(cdek.server.advance(order.reference) == "RECEIVED_AT_SENDER_WAREHOUSE")
            #expect(try await cdek.client.order(order.reference).current?.status == .handedOver)
            #expect(cdek.server.advance("72753031-0000-4000-8000-999999999999") == nil)
        }
    }

    @Test(
        "unknown places are unknownLocation, naming the location and the postcode",
        arguments: ["000123", "1900", "19000a"]
    )
    func unknownPostcode(postcode: String) async throws {
        try await LocalCDEKFixture.with { cdek in
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.tariffs(
                    from: Places.moscowWarehouse,
                    to: Places.at(postcode, Places.petersburgBuyer),
                    parcels: [Places.box]
                )
            }
            #expect(error?.code == .unknownLocation && error?.field == "to_location" && error?.httpStatus == 400)
            #expect(error?.message.contains(postcode) == true && error?.courier == "CDEK")
        }
    }

    @Test("a country CDEK does not serve, as sender, is unknownLocation naming from_location")
    func unknownCountry() async throws {
        try await LocalCDEKFixture.with { cdek in
            var paris = Places.moscowWarehouse
            paris.country = "FR"
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.tariffs(from: paris, to: Places.petersburgBuyer, parcels: [Places.box])
            }
            #expect(error?.code == .unknownLocation && error?.field == "from_location")
        }
    }

    @Test("a package over 30 kg is overweight; 30 kg exactly is priced")
    func overweight() async throws {
        try await LocalCDEKFixture.with { cdek in
            var heavy = Places.box
            heavy.weightGrams = 30_000
            _ = try await cdek.client.tariffs(
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [heavy]
            )
            heavy.weightGrams = 30_001
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.tariffs(
                    from: Places.moscowWarehouse,
                    to: Places.petersburgBuyer,
                    parcels: [heavy]
                )
            }
            #expect(error?.code == .overweight && error?.field == "packages.weight")
            #expect(error?.courierCode == "v2_weight_limit_exceeded" && error?.message.contains("30001") == true)
        }
    }

    @Test("an order to an unknown postcode is refused (requests[] INVALID) and nothing is registered")
    func registerRefused() async throws {
        try await LocalCDEKFixture.with { cdek in
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.register(
                    tariffCode: 136,
                    from: Places.moscowWarehouse,
                    to: Places.at("000000", Places.petersburgBuyer),
                    parcels: [Places.box],
                    number: "shp-0004"
                )
            }
            #expect(error?.code == .unknownLocation && cdek.server.orderCount == 0)
        }
    }

    @Test("an unknown order is notFound")
    func unknownOrder() async throws {
        try await LocalCDEKFixture.with { cdek in
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.order("72753031-000d-4000-8000-0000000000ff")
            }
            #expect(error?.code == .notFound && error?.httpStatus == 404 && error?.courierCode == "v2_entity_not_found")
        }
    }

    @Test("a parcel without weight never reaches the wire")
    func invalidParcel() async throws {
        try await LocalCDEKFixture.with { cdek in
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.tariffs(
                    from: Places.moscowWarehouse,
                    to: Places.petersburgBuyer,
                    parcels: [CourierParcel(weightGrams: 0, lengthMM: 10, widthMM: 10, heightMM: 10)]
                )
            }
            #expect(error?.code == .invalidRequest && error?.field == "packages[0].weight")
            #expect(cdek.server.requests.filter { $0.path != "/oauth/token" }.isEmpty)
        }
    }

    @Test("a tariff the contract does not offer is invalidRequest, naming tariff_code")
    func unknownTariff() async throws {
        try await LocalCDEKFixture.with { cdek in
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.tariff(
                    1,
                    from: Places.moscowWarehouse,
                    to: Places.petersburgBuyer,
                    parcels: [Places.box]
                )
            }
            #expect(error?.code == .invalidRequest && error?.message.contains("tariff_code") == true)
        }
    }

    @Test("a subscription needs ORDER_STATUS and an http(s) URL")
    func badSubscription() async throws {
        try await LocalCDEKFixture.with { cdek in
            let error = await #expect(throws: CourierError.self) {
                try await cdek.client.subscribeOrderStatus(url: "ftp://shop.example/hook")
            }
            #expect(error?.code == .invalidRequest && error?.httpStatus == 400)
        }
    }
}
