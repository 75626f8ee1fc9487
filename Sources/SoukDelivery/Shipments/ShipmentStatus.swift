package import SoukAPI

/// Where a shipment is: created → handed_over → in_transit → out_for_delivery → delivered, with failed_attempt
/// after out_for_delivery and returned from anything not yet delivered.
package enum ShipmentStatus: String, Sendable, Hashable, CaseIterable {
    case created = "created"
    case handedOver = "handed_over"
    case inTransit = "in_transit"
    case outForDelivery = "out_for_delivery"
    case delivered = "delivered"
    case failedAttempt = "failed_attempt"
    case returned = "returned"

    /// Its place along the way; a shipment never moves to a lower one (failed_attempt sits beside out_for_delivery).
    var rank: Int {
        switch self {
        case .created: 0
        case .handedOver: 1
        case .inTransit: 2
        case .outForDelivery, .failedAttempt: 3
        case .delivered, .returned: 4
        }
    }

    var isFinal: Bool { self == .delivered || self == .returned }

    /// Whether a shipment may move from `self` to `next`: forward, or between out_for_delivery and failed_attempt.
    package func canMove(to next: Self) -> Bool {
        guard !self.isFinal, next != self else { return false }
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
        }
    }

    package init?(_ message: Souk_Delivery_V1_ShipmentStatus) {
        guard let status = Self.allCases.first(where: { $0.message == message }) else { return nil }
        self = status
    }
}
