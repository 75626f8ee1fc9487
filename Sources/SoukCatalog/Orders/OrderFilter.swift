import Foundation

/// Which orders a staff listing wants; nil fields do not filter.
struct OrderFilter: Sendable {
    var statuses: [OrderStatus] = []
    var customer: UUID?
    var currency: String?
    var placedFrom: Date?
    var placedBefore: Date?
}
