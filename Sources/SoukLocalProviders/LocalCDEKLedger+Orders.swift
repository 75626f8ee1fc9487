import Foundation
import SoukCouriers

extension LocalCDEKLedger {
    // MARK: Orders

    mutating func register(_ body: [UInt8], now: Date) -> LocalCDEKReply {
        guard let order = try? CDEKJSON.decoder().decode(CDEKOrderRequest.self, from: Data(body)) else {
            return Self.errors(400, "v2_bad_request", "The body is not an order")
        }
        if let refusal = Self.check(order.fromLocation, "from_location") ?? Self.check(order.toLocation, "to_location")
            ?? Self.check(order.packages)
        {
            return Self.invalid(refusal)
        }
        guard Self.tariffs.contains(where: { $0.code == order.tariffCode }) else {
            return Self.invalid(
                Self.errors(400, "v2_invalid_tariff_code", "tariff_code: \(order.tariffCode) is not offered")
            )
        }
        guard !order.recipient.name.isEmpty, !order.recipient.phones.isEmpty else {
            return Self.invalid(Self.errors(400, "v2_field_is_empty", "recipient: a name and a phone are required"))
        }
        guard (order.toLocation.address ?? "").isEmpty == false else {
            return Self.invalid(Self.errors(400, "v2_field_is_empty", "to_location.address: required"))
        }
        self.orderCount += 1
        let uuid = Self.uuid(self.orderCount, kind: 0x0d)
        let created = self.status("CREATED", city: order.fromLocation.city, now: now)
        self.orders[uuid] = Order(
            uuid: uuid,
            request: order,
            cdekNumber: String(1_000_000_000 + self.orderCount),
            statuses: [created],
            script: self.defaultScript
        )
        let reply = CDEKEntityReply(
            entity: CDEKEntityReference(uuid: uuid),
            requests: [Self.state("CREATE", "ACCEPTED", now: now, uuid: Self.uuid(self.orderCount, kind: 0x0a))]
        )
        return Self.json(202, reply)
    }

    /// The order registered under Souk's `number`, as CDEK finds it by `im_number`.
    func read(number: String) -> LocalCDEKReply {
        guard let order = self.orders.values.first(where: { $0.request.number == number }) else {
            return self.read("")
        }
        return self.read(order.uuid)
    }

    func read(_ uuid: String) -> LocalCDEKReply {
        guard let order = self.orders[uuid] else {
            return Self.json(
                404,
                CDEKEntityReply<CDEKOrder>(
                    entity: nil,
                    requests: [
                        CDEKRequestState(
                            requestUuid: nil,
                            type: "GET",
                            state: "INVALID",
                            dateTime: nil,
                            errors: [CDEKErrorItem(code: "v2_entity_not_found", message: "Order not found: \(uuid)")]
                        )
                    ]
                )
            )
        }
        return Self.json(200, CDEKEntityReply(entity: Self.entity(order)))
    }

    /// Deletes order `uuid` while CDEK does not have it in hand yet (its statuses are only CREATED or ACCEPTED):
    /// it gets REMOVED and its script ends.
    mutating func delete(_ uuid: String, now: Date) -> LocalCDEKReply {
        guard var order = self.orders[uuid] else { return self.read(uuid) }
        guard order.statuses.allSatisfy({ ["CREATED", "ACCEPTED"].contains($0.code) }) else {
            return Self.invalid(
                Self.errors(
                    400,
                    "v2_order_not_removable",
                    "Order \(uuid) cannot be deleted: it is \(order.statuses.last?.code ?? "")"
                )
            )
        }
        order.statuses.append(self.status("REMOVED", city: order.request.fromLocation.city, now: now))
        order.script = []
        self.orders[uuid] = order
        let reply = CDEKEntityReply(
            entity: CDEKEntityReference(uuid: uuid),
            requests: [Self.state("DELETE", "ACCEPTED", now: now, uuid: Self.uuid(self.orderCount + 500, kind: 0x0a))]
        )
        return Self.json(202, reply)
    }

    /// Moves order `uuid` one step along its script, queueing a webhook when subscribed.
    ///
    /// - Returns: the new status code, or nil for an unknown order or one at the end of its script.
    mutating func advance(_ uuid: String, now: Date) -> String? {
        guard var order = self.orders[uuid], !order.script.isEmpty else { return nil }
        let code = order.script.removeFirst()
        let isEarly = ["RECEIVED_AT_SENDER_WAREHOUSE", "READY_FOR_SHIPMENT_IN_SENDER_CITY"].contains(code)
        let city = isEarly ? order.request.fromLocation.city : order.request.toLocation.city
        let status = self.status(code, city: city, now: now)
        order.statuses.append(status)
        self.orders[uuid] = order
        if self.subscription != nil {
            self.eventCount += 1
            let body = CDEKWebhook.body(
                uuid: uuid,
                cdekNumber: order.cdekNumber,
                number: order.request.number,
                code: code,
                statusAt: status.dateTime,
                city: city,
                sentAt: status.dateTime
            )
            self.events.append(Event(id: "\(uuid):\(order.statuses.count)", body: body))
        }
        return code
    }

    /// Replaces what is still to come for order `uuid`; false for an unknown order.
    mutating func setScript(_ codes: [String], for uuid: String) -> Bool {
        guard self.orders[uuid] != nil else { return false }
        self.orders[uuid]?.script = codes
        return true
    }

    mutating func subscribe(_ body: [UInt8]) -> LocalCDEKReply {
        guard let subscription = try? CDEKJSON.decoder().decode(CDEKWebhookSubscription.self, from: Data(body)),
            subscription.type == "ORDER_STATUS", subscription.url.hasPrefix("http")
        else {
            return Self.errors(400, "v2_bad_request", "type: ORDER_STATUS and an http(s) url are required")
        }
        self.subscription = subscription
        return Self.json(200, CDEKEntityReply(entity: CDEKEntityReference(uuid: Self.uuid(1, kind: 0x0b))))
    }

    /// The events made since the last call.
    mutating func takeEvents() -> [Event] {
        defer { self.events = [] }
        return self.events
    }

    // MARK: Shapes

    private func status(_ code: String, city: String?, now: Date) -> CDEKOrderStatus {
        CDEKOrderStatus(code: code, name: Self.names[code] ?? code, dateTime: CDEKJSON.string(now), city: city)
    }

    static func entity(_ order: Order) -> CDEKOrder {
        CDEKOrder(
            uuid: order.uuid,
            number: order.request.number,
            cdekNumber: order.cdekNumber,
            tariffCode: order.request.tariffCode,
            statuses: order.statuses.reversed()
        )
    }

    /// A uuid made of a counter: distinct, known, and shaped like CDEK's.
    static func uuid(_ counter: Int, kind: Int) -> String {
        let hex = String(counter, radix: 16)
        let tail = String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        return "72753031-\(String(format: "%04x", kind))-4000-8000-\(tail)"
    }

    static func state(_ type: String, _ state: String, now: Date, uuid: String?) -> CDEKRequestState {
        CDEKRequestState(requestUuid: uuid, type: type, state: state, dateTime: CDEKJSON.string(now))
    }

    /// A refusal of an order: the errors inside `requests[]` with state `INVALID`, as CDEK reports them.
    static func invalid(_ refusal: LocalCDEKReply) -> LocalCDEKReply {
        let errors =
            (try? CDEKJSON.decoder().decode(CDEKEntityReply<CDEKEntityReference>.self, from: Data(refusal.body)))?
            .errors
        let reply = CDEKEntityReply<CDEKEntityReference>(
            entity: nil,
            requests: [
                CDEKRequestState(requestUuid: nil, type: "CREATE", state: "INVALID", dateTime: nil, errors: errors)
            ]
        )
        return Self.json(refusal.status, reply)
    }

    static func errors(_ status: Int, _ code: String, _ message: String) -> LocalCDEKReply {
        Self.json(status, CDEKTariffList(tariffCodes: nil, errors: [CDEKErrorItem(code: code, message: message)]))
    }

    static func json(_ status: Int, _ value: some Encodable) -> LocalCDEKReply {
        // The ledger's own values always encode; a failure here is a bug in the objects.
        LocalCDEKReply(status: status, body: Array(try! CDEKJSON.encoder().encode(value)))
    }
}
