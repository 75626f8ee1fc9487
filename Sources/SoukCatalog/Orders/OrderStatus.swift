import SoukAPI

/// The order state machine: which status may follow which, and what each move does to the held stock.
///
/// ```
/// pending_payment → paid → packed → shipped → delivered
/// pending_payment → cancelled                 (the held stock returns)
/// paid | packed | shipped | delivered → refunded
/// ```
/// Cancelled and refunded are final. Payment takes the held units out of stock.
enum OrderStatus: String, Sendable, CaseIterable {
    case pendingPayment = "pending_payment"
    case paid
    case packed
    case shipped
    case delivered
    case cancelled
    case refunded

    /// The statuses an order in this status may move to.
    var next: [OrderStatus] {
        switch self {
        case .pendingPayment: [.paid, .cancelled]
        case .paid: [.packed, .refunded]
        case .packed: [.shipped, .refunded]
        case .shipped: [.delivered, .refunded]
        case .delivered: [.refunded]
        case .cancelled, .refunded: []
        }
    }

    func canMove(to status: OrderStatus) -> Bool {
        self.next.contains(status)
    }

    /// What moving into this status does to the order's stock reservations.
    var reservationEffect: ReservationEffect {
        switch self {
        case .paid: .consume
        case .cancelled: .release
        default: .none
        }
    }

    enum ReservationEffect {
        case none
        case consume
        case release
    }

    init?(_ message: Souk_Catalog_V1_OrderStatus) {
        switch message {
        case .pendingPayment: self = .pendingPayment
        case .paid: self = .paid
        case .packed: self = .packed
        case .shipped: self = .shipped
        case .delivered: self = .delivered
        case .cancelled: self = .cancelled
        case .refunded: self = .refunded
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var message: Souk_Catalog_V1_OrderStatus {
        switch self {
        case .pendingPayment: .pendingPayment
        case .paid: .paid
        case .packed: .packed
        case .shipped: .shipped
        case .delivered: .delivered
        case .cancelled: .cancelled
        case .refunded: .refunded
        }
    }
}
