import Foundation
import SoukCouriers
import SoukMoney

/// A request as the local EasyPost ledger sees it.
struct LocalEasyPostRequest {
    var method: String
    var path: String
    var body: [UInt8]
}

/// An answer: status and JSON body.
struct LocalEasyPostReply {
    var status: Int
    var body: [UInt8]
}

/// The local EasyPost's state: shipments with their rates, trackers with their status scripts, and the events
/// status changes make. A value, changed under the server's lock.
struct LocalEasyPostLedger {
    /// A shipment, bought or not.
    struct Shipment {
        var shipment: EasyPostShipment
        var request: EasyPostShipmentRequest.Shipment
    }

    /// A tracker and the statuses still to come.
    struct Tracker {
        var tracker: EasyPostTracker
        var script: [String]
    }

    var defaultScript: [String]
    var baseURL = ""
    var shipments: [String: Shipment] = [:]
    var shipmentCount = 0
    var trackers: [String: Tracker] = [:]
    var purchaseCount = 0
    /// Events (`tracker.updated`) made since the last ``takeEvents()``.
    var events: [EasyPostEventBody] = []
    var eventCount = 0

    /// EasyPost's heaviest parcel: 70 lb.
    static let maxOunces: Decimal = 1_120

    /// The services on offer: carrier, service, base and per-pound price in cents, zone step, days.
    static let services: [(carrier: String, service: String, base: Int64, perPound: Int64, days: Int)] = [
        ("USPS", "GroundAdvantage", 495, 85, 5),
        ("USPS", "Priority", 795, 120, 3),
        ("UPS", "NextDayAir", 2_450, 310, 1),
    ]

    /// Postcode shapes by country: digit counts (`US` also takes ZIP+4).
    static let postcodeDigits: [String: Int] = ["US": 5, "DE": 5, "FR": 5, "ES": 5, "IT": 5, "AU": 4, "RU": 6]

    static let standardScript = ["in_transit", "out_for_delivery", "delivered"]

    /// What each status reads as.
    static let messages: [String: String] = [
        "pre_transit": "Pre-Shipment information received", "in_transit": "Arrived at USPS Regional Facility",
        "out_for_delivery": "Out for Delivery", "delivered": "Delivered, In/At Mailbox",
        "available_for_pickup": "Available for Pickup", "return_to_sender": "Return to Sender",
        "failure": "Delivery attempted: no access to delivery location",
    ]

    // MARK: Requests

    /// Serves `request` at `now`; `advancesOnRead` moves a tracker read one step first.
    mutating func handle(_ request: LocalEasyPostRequest, now: Date, advancesOnRead: Bool) -> LocalEasyPostReply {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("POST", 1) where parts[0] == "shipments":
            return self.create(request.body)
        case ("POST", 3) where parts[0] == "shipments" && parts[2] == "refund":
            return self.refund(parts[1])
        case ("POST", 3) where parts[0] == "shipments" && parts[2] == "buy":
            return self.buy(parts[1], request.body, now: now)
        case ("GET", 2) where parts[0] == "shipments":
            guard let held = self.shipments[parts[1]] else {
                return Self.error(404, "NOT_FOUND", "The requested resource could not be found.")
            }
            return Self.json(200, held.shipment)
        case ("GET", 2) where parts[0] == "trackers":
            if advancesOnRead { _ = self.advance(parts[1], now: now) }
            guard let tracker = self.trackers[parts[1]] else {
                return Self.error(404, "NOT_FOUND", "The requested resource could not be found.")
            }
            return Self.json(200, tracker.tracker)
        default:
            return Self.error(404, "NOT_FOUND", "No such endpoint: \(request.method) \(request.path)")
        }
    }

    private mutating func create(_ body: [UInt8]) -> LocalEasyPostReply {
        guard let request = try? EasyPostJSON.decoder().decode(EasyPostShipmentRequest.self, from: Data(body)) else {
            return Self.error(422, "PARAMETER.INVALID", "The body is not {\"shipment\": {…}}")
        }
        let shipment = request.shipment
        if let refusal = Self.check(shipment.fromAddress, "from_address")
            ?? Self.check(shipment.toAddress, "to_address")
        {
            return refusal
        }
        let parcel = shipment.parcel
        guard parcel.weight > 0 else {
            return Self.error(422, "PARCEL.INVALID", "Parcel weight must be positive", field: "parcel.weight")
        }
        guard parcel.weight <= Self.maxOunces else {
            return Self.error(
                422,
                "PARCEL.WEIGHT.EXCEEDED",
                "Parcel weight \(parcel.weight) oz is over the 1120 oz (70 lb) limit",
                field: "parcel.weight"
            )
        }
        self.shipmentCount += 1
        let id = "shp_local\(self.shipmentCount)"
        // Whole pounds started, from tenths of an ounce, in integers.
        let tenths = NSDecimalNumber(decimal: parcel.weight * 10).int64Value
        let pounds = (tenths + 159) / 160
        let zone = Int64(shipment.toAddress.zip?.first?.wholeNumberValue ?? 0)
        let isAbroad = shipment.toAddress.country != shipment.fromAddress.country
        let rates = Self.services.enumerated().map { index, service in
            let cents = service.base * (isAbroad ? 4 : 1) + service.perPound * pounds + 35 * zone
            let days = service.days + Int(zone / 4) + (isAbroad ? 5 : 0)
            return EasyPostRate(
                id: "rate_local\(self.shipmentCount)x\(index + 1)",
                carrier: service.carrier,
                service: service.service,
                rate: Money(minorUnits: cents, currency: .usd).decimalString,
                currency: "USD",
                deliveryDays: days,
                estDeliveryDays: days + 1,
                shipmentId: id
            )
        }
        let created = EasyPostShipment(
            id: id,
            rates: rates,
            selectedRate: nil,
            trackingCode: nil,
            postageLabel: nil,
            tracker: nil
        )
        self.shipments[id] = Shipment(shipment: created, request: shipment)
        return Self.json(201, created)
    }

    private mutating func buy(_ id: String, _ body: [UInt8], now: Date) -> LocalEasyPostReply {
        guard var held = self.shipments[id] else {
            return Self.error(404, "NOT_FOUND", "The requested resource could not be found.")
        }
        guard let request = try? EasyPostJSON.decoder().decode(EasyPostBuyRequest.self, from: Data(body)),
            let rate = held.shipment.rates?.first(where: { $0.id == request.rate.id })
        else {
            return Self.error(422, "SHIPMENT.RATE.INVALID", "The rate is not one of this shipment's", field: "rate.id")
        }
        guard held.shipment.trackingCode == nil else {
            return Self.error(422, "SHIPMENT.POSTAGE.EXISTS", "A label has already been bought for this shipment")
        }
        self.purchaseCount += 1
        let trackingCode = "9400" + String(100_000_000_000_000_000 + Int64(self.purchaseCount))
        let tracker = EasyPostTracker(
            id: "trk_local\(self.purchaseCount)",
            trackingCode: trackingCode,
            status: "pre_transit",
            carrier: rate.carrier,
            shipmentId: id,
            trackingDetails: [Self.detail("pre_transit", city: held.request.fromAddress.city, now: now)],
            updatedAt: EasyPostJSON.string(now)
        )
        held.shipment.selectedRate = rate
        held.shipment.trackingCode = trackingCode
        held.shipment.postageLabel = .init(labelUrl: "\(self.baseURL)/labels/\(id).png")
        held.shipment.tracker = tracker
        self.shipments[id] = held
        self.trackers[tracker.id] = Tracker(tracker: tracker, script: self.defaultScript)
        return Self.json(200, held.shipment)
    }

    /// Refunds shipment `id`'s label while the carrier has not scanned it (its tracker is still `pre_transit`):
    /// `refund_status` becomes `submitted`, the tracker `cancelled`, and its script ends.
    private mutating func refund(_ id: String) -> LocalEasyPostReply {
        guard var held = self.shipments[id] else {
            return Self.error(404, "NOT_FOUND", "The requested resource could not be found.")
        }
        guard let trackerID = held.shipment.tracker?.id, var tracker = self.trackers[trackerID] else {
            return Self.error(422, "SHIPMENT.REFUND.UNAVAILABLE", "This shipment has no label to refund")
        }
        guard tracker.tracker.status == "pre_transit" || held.shipment.refundStatus != nil else {
            return Self.error(
                422,
                "SHIPMENT.REFUND.UNAVAILABLE",
                "The label was scanned by the carrier (\(tracker.tracker.status)) and cannot be refunded"
            )
        }
        held.shipment.refundStatus = held.shipment.refundStatus ?? "submitted"
        tracker.tracker.status = "cancelled"
        tracker.script = []
        held.shipment.tracker = tracker.tracker
        self.trackers[trackerID] = tracker
        self.shipments[id] = held
        return Self.json(200, held.shipment)
    }

    /// Moves tracker `id` one step along its script, making a `tracker.updated` event.
    ///
    /// - Returns: the new status, or nil for an unknown tracker or one at the end of its script.
    mutating func advance(_ id: String, now: Date) -> String? {
        guard var held = self.trackers[id], !held.script.isEmpty else { return nil }
        let status = held.script.removeFirst()
        let shipment = held.tracker.shipmentId.flatMap { self.shipments[$0]?.request }
        let city = status == "in_transit" ? nil : shipment?.toAddress.city
        held.tracker.status = status
        held.tracker.trackingDetails =
            (held.tracker.trackingDetails ?? []) + [Self.detail(status, city: city, now: now)]
        held.tracker.updatedAt = EasyPostJSON.string(now)
        self.trackers[id] = held
        self.eventCount += 1
        self.events.append(
            EasyPostEventBody(
                id: "evt_local\(self.eventCount)",
                description: "tracker.updated",
                mode: "test",
                createdAt: EasyPostJSON.string(now),
                result: held.tracker
            )
        )
        return status
    }

    /// Replaces what is still to come for tracker `id`; false for an unknown tracker.
    mutating func setScript(_ statuses: [String], for id: String) -> Bool {
        guard self.trackers[id] != nil else { return false }
        self.trackers[id]?.script = statuses
        return true
    }

    /// The events made since the last call.
    mutating func takeEvents() -> [EasyPostEventBody] {
        defer { self.events = [] }
        return self.events
    }

    // MARK: Shapes

    /// A refusal for an address this EasyPost cannot use: no country, a postcode not of the country's shape, or
    /// one starting with `000`.
    static func check(_ address: EasyPostAddress, _ name: String) -> LocalEasyPostReply? {
        let country = address.country ?? ""
        let zip = address.zip ?? ""
        let digits = Self.postcodeDigits[country]
        let isZIP4 = country == "US" && zip.count == 10 && zip.dropFirst(5).first == "-"
        let main = isZIP4 ? String(zip.prefix(5)) + String(zip.suffix(4)) : zip
        let isShaped =
            if let digits {
                (main.count == digits || isZIP4) && main.allSatisfy { $0 >= "0" && $0 <= "9" }
            } else {
                country.count == 2 && (3...10).contains(zip.count)
                    && zip.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }
            }
        guard isShaped, !zip.hasPrefix("000") else {
            return Self.error(
                422,
                "ADDRESS.VERIFY.FAILURE",
                "Unable to verify address.",
                field: "\(name).zip",
                fieldMessage: "'\(zip)' is not a known postcode in '\(country)'"
            )
        }
        return nil
    }

    static func detail(_ status: String, city: String?, now: Date) -> EasyPostTrackingDetail {
        EasyPostTrackingDetail(
            status: status,
            message: Self.messages[status] ?? status,
            datetime: EasyPostJSON.string(now),
            trackingLocation: city.map { .init(city: $0, state: nil, country: nil, zip: nil) }
        )
    }

    static func error(
        _ status: Int,
        _ code: String,
        _ message: String,
        field: String? = nil,
        fieldMessage: String? = nil
    ) -> LocalEasyPostReply {
        let errors = field.map { [EasyPostErrorBody.Detail.FieldError(field: $0, message: fieldMessage ?? message)] }
        return Self.json(status, EasyPostErrorBody(code: code, message: message, errors: errors ?? []))
    }

    static func json(_ status: Int, _ value: some Encodable) -> LocalEasyPostReply {
        // The ledger's own values always encode; a failure here is a bug in the objects.
        LocalEasyPostReply(status: status, body: Array(try! EasyPostJSON.encoder().encode(value)))
    }
}
