import Foundation
import SoukCouriers
import Testing

@Suite("Couriers' webhook bodies: CDEK's ORDER_STATUS and EasyPost's tracker.updated")
struct CourierWebhookTests {
    @Test("a CDEK ORDER_STATUS body parses: uuid, waybill, code, Souk's status, times and city")
    func cdek() throws {
        let body = """
            {"type":"ORDER_STATUS","date_time":"2026-03-02T10:15:00+0300","uuid":"72753031-000d-4000-8000-000000000001",
             "attributes":{"is_return":false,"is_reverse":false,"is_client_return":false,"cdek_number":"1000000001",
             "number":"shp-1","code":"TAKEN_BY_COURIER","status_code":"11","status_date_time":"2026-03-02T10:14:00+0300",
             "city_name":"Санкт-Петербург","city_code":"137"}}
            """
        let webhook = try CDEKWebhook(parsing: Array(body.utf8))
        #expect(webhook.type == "ORDER_STATUS" && webhook.uuid == "72753031-000d-4000-8000-000000000001")
        #expect(webhook.cdekNumber == "1000000001" && webhook.number == "shp-1")
        #expect(webhook.code == "TAKEN_BY_COURIER" && webhook.status == .outForDelivery)
        #expect(webhook.city == "Санкт-Петербург" && !webhook.isReturn)
        // 10:14 at +03:00 is 07:14 UTC.
        #expect(webhook.statusAt == Date(timeIntervalSince1970: 1_772_435_640))
        #expect(webhook.sentAt == Date(timeIntervalSince1970: 1_772_435_700))
    }

    @Test("the local server's CDEK body parses back to what it said")
    func cdekRoundTrip() throws {
        let body = CDEKWebhook.body(
            uuid: "u-1",
            cdekNumber: "42",
            number: "shp-2",
            code: "DELIVERED",
            statusAt: "2026-01-01T00:00:00+0000",
            city: "Kazan",
            sentAt: "2026-01-01T00:00:00+0000"
        )
        let webhook = try CDEKWebhook(parsing: body)
        #expect(webhook.uuid == "u-1" && webhook.status == .delivered && webhook.city == "Kazan")
        #expect(webhook.statusAt == Date(timeIntervalSince1970: 1_767_225_600))
    }

    @Test("a CDEK body without uuid or not JSON is invalidRequest", arguments: [#"{"type":"ORDER_STATUS"}"#, "nope"])
    func cdekRefused(body: String) {
        let error = #expect(throws: CourierError.self) { try CDEKWebhook(parsing: Array(body.utf8)) }
        #expect(error?.code == .invalidRequest && error?.courier == "CDEK")
    }

    @Test("an EasyPost tracker.updated event parses into a tracking report")
    func easyPost() throws {
        let body = """
            {"id":"evt_9","object":"Event","description":"tracker.updated","mode":"test",
             "created_at":"2026-03-02T07:20:00Z",
             "result":{"id":"trk_7","object":"Tracker","tracking_code":"9400111","status":"out_for_delivery",
               "updated_at":"2026-03-02T07:19:00Z",
               "tracking_details":[
                 {"status":"pre_transit","message":"Label created","datetime":"2026-03-01T09:00:00Z"},
                 {"status":"out_for_delivery","message":"Out for Delivery","datetime":"2026-03-02T07:19:00Z",
                  "tracking_location":{"city":"AUSTIN","state":"TX"}}]}}
            """
        let event = try EasyPostEvent(parsing: Array(body.utf8))
        #expect(event.id == "evt_9" && event.kind == "tracker.updated")
        #expect(event.tracking.reference == "trk_7" && event.tracking.trackingNumber == "9400111")
        #expect(event.tracking.history.map(\.status) == [.created, .outForDelivery])
        #expect(event.tracking.current?.status == .outForDelivery && event.tracking.current?.city == "AUSTIN")
        #expect(event.tracking.current?.at == Date(timeIntervalSince1970: 1_772_435_940))
    }

    @Test("an EasyPost event that is not about a tracker is invalidRequest")
    func easyPostRefused() {
        let body = #"{"id":"evt_1","description":"batch.created","result":null}"#
        let error = #expect(throws: CourierError.self) { try EasyPostEvent(parsing: Array(body.utf8)) }
        #expect(error?.code == .invalidRequest && error?.field == "description")
    }
}
