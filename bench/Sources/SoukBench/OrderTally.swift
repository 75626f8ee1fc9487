/// What customers were told about their orders against what the shop holds afterwards: the exactly-once count
/// of the chaos phases.
///
/// ```swift
/// let tally = OrderTally(asked: 1000, acknowledged: keysToIDs, listed: idsFromListOrders,
///                        placedEvents: idsOfOrderPlacedEvents, stock: level, stockBefore: 1_000_000)
/// tally.isExactlyOnce   // every acknowledged order once, nothing else
/// ```
package struct OrderTally: Sendable, Hashable, Codable {
    /// Orders the customers set out to place (one idempotency key each).
    package var asked: Int
    /// Keys answered with an order.
    package var acknowledged: Int
    /// Distinct orders the shop lists.
    package var found: Int
    /// Orders beyond one per key: a listing that shows an order twice, two keys answered with one order, or
    /// more orders than were asked for.
    package var duplicated: Int
    /// Acknowledged orders the shop does not list.
    package var lost: Int
    /// Listed orders no customer was told about.
    package var unasked: Int
    /// Orders whose `order.placed` event is missing from the outbox; nil when events were not read.
    package var missingEvents: Int?
    /// `order.placed` events beyond one per listed order (repeats, or events for orders not listed).
    package var extraEvents: Int?
    /// Whether the stock adds up: on hand unchanged, one reserved unit per order found, available the rest.
    package var stockExact: Bool?
    /// The stock level read afterwards (on hand, reserved, available), for the report.
    package var stock: StockFigures?

    /// One SKU's stock in one warehouse.
    package struct StockFigures: Sendable, Hashable, Codable {
        package var onHand: Int
        package var reserved: Int
        package var available: Int

        package init(onHand: Int, reserved: Int, available: Int) {
            self.onHand = onHand
            self.reserved = reserved
            self.available = available
        }
    }

    /// Counts from what the customers were told and what the shop lists.
    ///
    /// - Parameters:
    ///   - asked: the orders set out to place.
    ///   - acknowledged: each acknowledged idempotency key with the order id it was answered with.
    ///   - listed: every order id the staff listing returned, repeats included.
    ///   - placedEvents: the order id of every `order.placed` event, repeats included; nil if not read.
    ///   - stock: the level read afterwards; nil if not read.
    ///   - stockBefore: units on hand before any order (each order holds one unit).
    package init(
        asked: Int,
        acknowledged: [String: String],
        listed: [String],
        placedEvents: [String]? = nil,
        stock: StockFigures? = nil,
        stockBefore: Int = 0
    ) {
        let acknowledgedIDs = Set(acknowledged.values)
        let foundIDs = Set(listed)
        self.asked = asked
        self.acknowledged = acknowledged.count
        self.found = foundIDs.count
        let listedTwice = listed.count - foundIDs.count
        let sharedByKeys = acknowledged.count - acknowledgedIDs.count
        let beyondAsked = max(0, foundIDs.count - asked)
        self.duplicated = listedTwice + sharedByKeys + beyondAsked
        self.lost = acknowledgedIDs.subtracting(foundIDs).count
        self.unasked = foundIDs.subtracting(acknowledgedIDs).count
        if let placedEvents {
            let evented = Set(placedEvents)
            self.missingEvents = foundIDs.subtracting(evented).count
            // One event per listed order is expected; every other event is extra.
            self.extraEvents = placedEvents.count - evented.intersection(foundIDs).count
        }
        if let stock {
            self.stock = stock
            self.stockExact =
                stock.onHand == stockBefore && stock.reserved == foundIDs.count
                && stock.available == stock.onHand - stock.reserved
        }
    }

    /// Whether every order asked for was acknowledged and exists once, nothing else exists, and the events and
    /// stock (when read) agree.
    package var isExactlyOnce: Bool {
        self.acknowledged == self.asked && self.found == self.acknowledged && self.duplicated == 0 && self.lost == 0
            && self.unasked == 0 && (self.missingEvents ?? 0) == 0 && (self.extraEvents ?? 0) == 0
            && (self.stockExact ?? true)
    }

    /// What is wrong, one phrase each; empty when ``isExactlyOnce``.
    package var problems: [String] {
        var problems: [String] = []
        if self.acknowledged != self.asked {
            problems.append("\(self.asked - self.acknowledged) order(s) never acknowledged")
        }
        if self.lost > 0 { problems.append("\(self.lost) acknowledged order(s) lost") }
        if self.duplicated > 0 { problems.append("\(self.duplicated) order(s) duplicated") }
        if self.unasked > 0 { problems.append("\(self.unasked) order(s) nobody was told about") }
        if let missing = self.missingEvents, missing > 0 { problems.append("\(missing) order.placed event(s) missing") }
        if let extra = self.extraEvents, extra > 0 { problems.append("\(extra) extra order.placed event(s)") }
        if self.stockExact == false, let stock = self.stock {
            problems.append(
                "stock does not add up (on hand \(stock.onHand), reserved \(stock.reserved), available \(stock.available))"
            )
        }
        return problems
    }
}
