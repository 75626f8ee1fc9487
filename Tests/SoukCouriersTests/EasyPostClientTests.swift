import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukCouriers
import SoukLocalProviders
import SoukMoney
import Testing

@Suite("The EasyPost client against the local EasyPost: rates, labels, trackers, retries and errors")
struct EasyPostClientTests {
    static func quote(
        _ easypost: LocalEasyPostFixture,
        to: CourierAddress = Places.austinBuyer
    ) async throws
        -> EasyPostQuote
    {
        try await easypost.client.quote(from: Places.sanFranciscoWarehouse, to: to, parcel: Places.box)
    }

    @Test("a quote creates a shipment with exact rates in cents and days; the ounces sent decide the pounds billed")
    func quote() async throws {
        try await LocalEasyPostFixture.with { easypost in
            let quote = try await Self.quote(easypost)
            #expect(quote.shipmentID == "shp_local1")
            // 1200 g = 42.4 oz: 3 started pounds; zone 7 (78701).
            let cents: [Int64] = [495 + 3 * 85 + 7 * 35, 795 + 3 * 120 + 7 * 35, 2_450 + 3 * 310 + 7 * 35]
            #expect(quote.rates.map(\.minorUnits) == cents)
            #expect(quote.rates.map(\.name) == ["USPS GroundAdvantage", "USPS Priority", "UPS NextDayAir"])
            #expect(quote.rates.map(\.code) == ["rate_local1x1", "rate_local1x2", "rate_local1x3"])
            #expect(quote.rates.allSatisfy { $0.currency == .usd })
            #expect(quote.rates.map(\.minDays) == [6, 4, 2] && quote.rates.map(\.maxDays) == [7, 5, 3])
        }
    }

    @Test("buy a rate: tracking code, label and tracker; reads move the tracker along its script")
    func buyAndTrack() async throws {
        try await LocalEasyPostFixture.with { easypost in
            let quote = try await Self.quote(easypost)
            let label = try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[1].code)
            #expect(label.reference == "shp_local1" && label.trackingReference == "trk_local1")
            #expect(label.trackingNumber == "9400100000000000000001")
            #expect(label.labelURL == easypost.server.baseURL + "/labels/shp_local1.png")
            #expect(easypost.server.statuses(of: label.trackingReference) == ["pre_transit"])

            var currents: [CourierStatus?] = []
            for _ in 0..<4 {
                currents.append(try await easypost.client.tracker(label.trackingReference).current?.status)
            }
            #expect(currents == [.inTransit, .outForDelivery, .delivered, .delivered])
            let report = try await easypost.client.tracker(label.trackingReference)
            #expect(report.history.map(\.code) == ["pre_transit", "in_transit", "out_for_delivery", "delivered"])
            #expect(report.trackingNumber == label.trackingNumber && report.current?.city == "Austin")
        }
    }

    @Test("a tracker script with a duplicate and a step back is reported as it happens")
    func duplicateAndBackwards() async throws {
        try await LocalEasyPostFixture.with(advancesOnRead: false) { easypost in
            let quote = try await Self.quote(easypost)
            let label = try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
            let script = ["in_transit", "in_transit", "out_for_delivery", "in_transit", "delivered"]
            #expect(easypost.server.setScript(script, for: label.trackingReference))
            var seen: [String] = []
            for _ in script {
                easypost.server.advance(label.trackingReference)
                seen.append(try await easypost.client.tracker(label.trackingReference).current?.code ?? "")
            }
            #expect(seen == script)
            #expect(easypost.server.advance(label.trackingReference) == nil)
        }
    }

    @Test("a shipment read back: no registration before its label is bought, the same one as buying answered after")
    func shipmentReadBack() async throws {
        try await LocalEasyPostFixture.with { easypost in
            let quote = try await Self.quote(easypost)
            #expect(try await easypost.client.shipment(quote.shipmentID) == nil)
            let label = try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
            #expect(try await easypost.client.shipment(quote.shipmentID) == label)
            let error = await #expect(throws: CourierError.self) {
                try await easypost.client.shipment("shp_unknown")
            }
            #expect(error?.code == .notFound)
            #expect(easypost.server.purchaseCount == 1)
        }
    }

    @Test(
        "a label refunded before the carrier scans it is submitted and its tracker cancelled; a scanned one is refused"
    )
    func refund() async throws {
        try await LocalEasyPostFixture.with(advancesOnRead: false) { easypost in
            let first = try await Self.quote(easypost)
            let label = try await easypost.client.buy(shipmentID: first.shipmentID, rateID: first.rates[0].code)
            #expect(try await easypost.client.refund(shipmentID: first.shipmentID) == "submitted")
            #expect(try await easypost.client.tracker(label.trackingReference).current?.code == "cancelled")

            let second = try await Self.quote(easypost)
            let scanned = try await easypost.client.buy(shipmentID: second.shipmentID, rateID: second.rates[0].code)
            easypost.server.advance(scanned.trackingReference)
            let error = await #expect(throws: CourierError.self) {
                try await easypost.client.refund(shipmentID: second.shipmentID)
            }
            #expect(error?.code == .invalidRequest && error?.courierCode == "SHIPMENT.REFUND.UNAVAILABLE")
            let unbought = try await Self.quote(easypost)
            let none = await #expect(throws: CourierError.self) {
                try await easypost.client.refund(shipmentID: unbought.shipmentID)
            }
            #expect(none?.code == .invalidRequest)
        }
    }

    @Test("buying twice is refused by EasyPost and buys nothing more")
    func boughtTwice() async throws {
        try await LocalEasyPostFixture.with { easypost in
            let quote = try await Self.quote(easypost)
            _ = try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
            let error = await #expect(throws: CourierError.self) {
                try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
            }
            #expect(error?.code == .invalidRequest && error?.courierCode == "SHIPMENT.POSTAGE.EXISTS")
            #expect(easypost.server.purchaseCount == 1)
        }
    }

    @Test("an unknown postcode is unknownLocation naming to_address.zip", arguments: ["00012", "7870", "ABCDE"])
    func unknownPostcode(zip: String) async throws {
        try await LocalEasyPostFixture.with { easypost in
            let error = await #expect(throws: CourierError.self) {
                try await Self.quote(easypost, to: Places.at(zip, Places.austinBuyer))
            }
            #expect(error?.code == .unknownLocation && error?.field == "to_address.zip" && error?.httpStatus == 422)
            #expect(error?.message.contains(zip) == true && easypost.server.shipmentCount == 0)
        }
    }

    @Test("over 70 lb is overweight; 31751 g (1120.0 oz) is still priced")
    func overweight() async throws {
        try await LocalEasyPostFixture.with { easypost in
            var parcel = Places.box
            parcel.weightGrams = 31_751
            _ = try await easypost.client.quote(
                from: Places.sanFranciscoWarehouse,
                to: Places.austinBuyer,
                parcel: parcel
            )
            parcel.weightGrams = 31_752
            let error = await #expect(throws: CourierError.self) {
                try await easypost.client.quote(
                    from: Places.sanFranciscoWarehouse,
                    to: Places.austinBuyer,
                    parcel: parcel
                )
            }
            #expect(error?.code == .overweight && error?.field == "parcel.weight")
            #expect(error?.message.contains("1120.1") == true)
        }
    }

    @Test("a wrong API key is unauthorized and no text shows the key")
    func wrongKey() async throws {
        let wrong = "EZTK_wrong_91xQ"
        try await LocalEasyPostFixture.with(key: wrong) { easypost in
            let error = await #expect(throws: CourierError.self) { try await Self.quote(easypost) }
            #expect(error?.code == .unauthorized && error?.httpStatus == 401 && error?.courierCode == "APIKEY.INACTIVE")
            #expect(easypost.server.requests.count == 1)
            let texts = [
                "\(String(describing: error))", "\(easypost.client)", String(reflecting: easypost.client),
                String(reflecting: EasyPostClient.Config.defaults(apiKey: CourierSecret(wrong))),
            ]
            for text in texts { #expect(!text.contains(wrong), "\(text)") }
        }
    }

    @Test("an unknown tracker is notFound")
    func unknownTracker() async throws {
        try await LocalEasyPostFixture.with { easypost in
            let error = await #expect(throws: CourierError.self) { try await easypost.client.tracker("trk_nope") }
            #expect(error?.code == .notFound && error?.httpStatus == 404)
        }
    }

    @Test("a quote answered 500 twice is repeated; a purchase answered 500 is not")
    func retries() async throws {
        try await LocalEasyPostFixture.with { easypost in
            easypost.server.failNext(2, with: .status(500))
            let quote = try await Self.quote(easypost)
            #expect(easypost.server.requests.map(\.status) == [500, 500, 201] && easypost.clock.sleeps.count == 2)

            easypost.server.failNext(1, with: .status(500))
            let error = await #expect(throws: CourierError.self) {
                try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
            }
            #expect(error?.code == .unavailable && easypost.server.purchaseCount == 0)
            #expect(easypost.server.requests.filter { $0.path.hasSuffix("/buy") }.count == 1)
            #expect(easypost.clock.sleeps.count == 2)
        }
    }

    @Test("a purchase with no answer is a timeout and is not repeated")
    func purchaseHangs() async throws {
        // Generous: the request must reach the server (counted below) on a loaded machine too; only the hang
        // reaches the timeout.
        try await LocalEasyPostFixture.with(requestTimeout: .seconds(20)) { easypost in
            easypost.server.failNext(1, with: .hang)
            let error = await #expect(throws: CourierError.self) {
                try await easypost.client.buy(shipmentID: "shp_local1", rateID: "rate_local1x1")
            }
            #expect(error?.code == .timeout && error?.courier == "EasyPost")
            #expect(easypost.server.requests.count == 1 && easypost.clock.sleeps.isEmpty)
        }
    }

    @Test("a refused connection proves a purchase was never sent: it is repeated, then unavailable")
    func refusedPurchaseRepeated() async throws {
        // A port bound and never listening refuses connections (a stopped server's port can be reused).
        let refusing = try RefusingPort()
        let closed = refusing.baseURL
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let httpClient = HTTPClient(configuration: configuration)
        let clock = TestClock()
        let client = EasyPostClient(
            httpClient: httpClient,
            config: .init(baseURL: closed, apiKey: CourierSecret(LocalEasyPostFixture.apiKey)),
            clock: clock
        )
        let error = await #expect(throws: CourierError.self) {
            try await client.buy(shipmentID: "shp_local1", rateID: "rate_local1x1")
        }
        try await httpClient.shutdown()
        withExtendedLifetime(refusing) {}
        #expect(error?.code == .unavailable)
        #expect(error?.message == "EasyPost refused the connection")
        #expect(clock.sleeps.count == 2, "three attempts in all")
    }

    @Test("a tracker read answered 429 and 502 is repeated")
    func trackerRetried() async throws {
        try await LocalEasyPostFixture.with(advancesOnRead: false) { easypost in
            let quote = try await Self.quote(easypost)
            let label = try await easypost.client.buy(shipmentID: quote.shipmentID, rateID: quote.rates[0].code)
            easypost.server.failNext(1, with: .status(429))
            easypost.server.failNext(1, with: .status(502))
            let report = try await easypost.client.tracker(label.trackingReference)
            #expect(report.current?.status == .created)
            #expect(easypost.server.requests.suffix(3).map(\.status) == [429, 502, 200])
        }
    }

    @Test("a request without a key is refused with APIKEY.REQUIRED")
    func noKey() async throws {
        try await LocalEasyPostFixture.with { easypost in
            let request = HTTPClientRequest(url: easypost.server.baseURL + "/v2/trackers/trk_local1")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 16))
            #expect(response.status.code == 401 && body.contains("APIKEY.REQUIRED"))
        }
    }
}
