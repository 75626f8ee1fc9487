package import SoukAPI

/// Where a shipment is: created → handed_over → in_transit → out_for_delivery → delivered, with failed_attempt
/// after out_for_delivery, returned from anything not yet delivered, and cancelled from created only (its order
/// was refunded before the parcel left).
package enum ShipmentStatus: String, Sendable, Hashable, CaseIterable {
    case created = "created"
    case handedOver = "handed_over"
    case inTransit = "in_transit"
    case outForDelivery = "out_for_delivery"
    case delivered = "delivered"
    case failedAttempt = "failed_attempt"
    case returned = "returned"
    case cancelled = "cancelled"

    /// Its place along the way; a shipment never moves to a lower one (failed_attempt sits beside out_for_delivery).
    var rank: Int {
        switch self {
        case .created: 0
        case .handedOver: 1
        case .inTransit: 2
        case .outForDelivery, .failedAttempt: 3
        case .delivered, .returned, .cancelled: 4
        }
    }

    var isFinal: Bool { self == .delivered || self == .returned || self == .cancelled }

    /// Whether a shipment may move from `self` to `next`: forward, or between out_for_delivery and failed_attempt;
    /// to cancelled only from created.
    package func canMove(to next: Self) -> Bool {
        guard !self.isFinal, next != self else { return false }
        if next == .cancelled { return self == .created }
        if next == .returned { return true }
        if (self, next) == (.outForDelivery, .failedAttempt) || (self, next) == (.failedAttempt, .outForDelivery) {
            return true
        }
        return next.rank > self.rank
    }

    package var message: Souk_Delivery_V1_ShipmentStatus {
        switch self {
        case .created: .created
        case .handedOver: .handedOver
        case .inTransit: .inTransit
        case .outForDelivery: .outForDelivery
        case .delivered: .delivered
        case .failedAttempt: .failedAttempt
        case .returned: .returned
        case .cancelled: .cancelled
        }
    }

    package init?(_ message: Souk_Delivery_V1_ShipmentStatus) {
        guard let status = Self.allCases.first(where: { $0.message == message }) else { return nil }
        self = status
    }
}
