/// Where a shipment is, in Souk's words, whatever the courier: CDEK's and EasyPost's statuses map onto it
/// (``CDEKStatus``, ``EasyPostStatus``).
///
/// Couriers report at least once and not always in order: a status may repeat, and a later report may name an
/// earlier step. The delivery domain decides what to keep; ``rank`` orders the steps for that.
package enum CourierStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Registered with the courier, label made; nothing handed over yet.
    case created
    /// The courier has the parcel at its first warehouse.
    case handedOver
    /// Between warehouses or cities.
    case inTransit
    /// With the courier for delivery today, or waiting at a pick-up point.
    case outForDelivery
    /// In the recipient's hands. Final.
    case delivered
    /// A delivery attempt failed; the courier may try again or send the parcel back.
    case failedAttempt
    /// On its way back to the sender, or back already (or removed). Final for the buyer.
    case returned

    /// The step's place along the way, 0 for ``created``: a report of a lower rank than one already seen is a
    /// late or out-of-order report (``failedAttempt`` and ``returned`` rank after ``outForDelivery``).
    package var rank: Int {
        switch self {
        case .created: 0
        case .handedOver: 1
        case .inTransit: 2
        case .outForDelivery: 3
        case .failedAttempt: 4
        case .delivered: 5
        case .returned: 5
        }
    }

    /// Whether no later status is expected.
    package var isFinal: Bool { self == .delivered || self == .returned }

    package var description: String { self.rawValue }
}
