import Foundation
package import SoukAPI

/// Shipment statuses as typed on the command line and printed in tables (`handed_over`, `out_for_delivery`, …),
/// the spelling of delivery.proto without its prefix, and the moves the merchant's own deliveries offer.
package enum ShipmentStatusName {
    /// Every status by its name, in the order a shipment moves through them.
    package static let all: [(String, Souk_Delivery_V1_ShipmentStatus)] = [
        ("created", .created), ("handed_over", .handedOver), ("in_transit", .inTransit),
        ("out_for_delivery", .outForDelivery), ("delivered", .delivered), ("failed_attempt", .failedAttempt),
        ("returned", .returned), ("cancelled", .cancelled),
    ]

    /// The status named `text` (case-insensitive; `-` may stand for `_`).
    ///
    /// - Throws: ``CtlError`` (usage) listing the names.
    package static func parse(_ text: String) throws -> Souk_Delivery_V1_ShipmentStatus {
        let key = text.lowercased().replacingOccurrences(of: "-", with: "_")
        guard let status = Self.all.first(where: { $0.0 == key })?.1 else {
            throw CtlError(
                .usage,
                "'\(text.prefix(40))' is not a shipment status",
                hint: "use one of \(Self.all.map(\.0).joined(separator: ", "))"
            )
        }
        return status
    }

    /// The name of `status`, e.g. `handed_over`.
    package static func name(_ status: Souk_Delivery_V1_ShipmentStatus) -> String {
        Self.all.first(where: { $0.1 == status })?.0 ?? "unspecified"
    }

    /// The usual next moves from `status`: the next step along the way, failed_attempt and back out for
    /// delivery, and returned from anything not yet final; none from delivered or returned.
    ///
    /// The server also accepts skipping ahead (created → delivered); these are the moves people make.
    package static func nextMoves(from status: Souk_Delivery_V1_ShipmentStatus) -> [Souk_Delivery_V1_ShipmentStatus] {
        switch status {
        case .created: [.handedOver, .returned]
        case .handedOver: [.inTransit, .returned]
        case .inTransit: [.outForDelivery, .returned]
        case .outForDelivery: [.delivered, .failedAttempt, .returned]
        case .failedAttempt: [.outForDelivery, .returned]
        default: []
        }
    }
}
