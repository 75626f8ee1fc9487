/// CDEK's order status codes in Souk's words (providers.md §4.1's table; codes from the official SDK).
package enum CDEKStatus {
    /// The codes between the sender's warehouse and the recipient's city warehouse.
    static let inTransit: Set<String> = [
        "READY_FOR_SHIPMENT_IN_SENDER_CITY", "TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY", "SENT_TO_TRANSIT_CITY",
        "ACCEPTED_IN_TRANSIT_CITY", "ACCEPTED_AT_TRANSIT_WAREHOUSE", "READY_FOR_SHIPMENT_IN_TRANSIT_CITY",
        "TAKEN_BY_TRANSPORTER_FROM_TRANSIT_CITY", "SENT_TO_RECIPIENT_CITY", "ARRIVED_AT_RECIPIENT_CITY",
        "ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE",
    ]

    /// The status for CDEK's `code`; nil for a code with no meaning for the buyer or one Souk does not know.
    ///
    /// - `ACCEPTED`, `CREATED` → ``CourierStatus/created``
    /// - `RECEIVED_AT_SENDER_WAREHOUSE` → ``CourierStatus/handedOver``
    /// - the transit codes (`SENT_TO_TRANSIT_CITY` … `ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE`) →
    ///   ``CourierStatus/inTransit``
    /// - `TAKEN_BY_COURIER`, `ACCEPTED_AT_PICK_UP_POINT` → ``CourierStatus/outForDelivery``
    /// - `DELIVERED` → ``CourierStatus/delivered``
    /// - `NOT_DELIVERED` → ``CourierStatus/failedAttempt``
    /// - `RETURNED_*`, `REMOVED` (the order was deleted: it will not go) → ``CourierStatus/returned``
    package static func status(_ code: String) -> CourierStatus? {
        switch code {
        case "ACCEPTED", "CREATED": .created
        case "RECEIVED_AT_SENDER_WAREHOUSE": .handedOver
        case _ where Self.inTransit.contains(code): .inTransit
        case "TAKEN_BY_COURIER", "ACCEPTED_AT_PICK_UP_POINT": .outForDelivery
        case "DELIVERED": .delivered
        case "NOT_DELIVERED": .failedAttempt
        case "REMOVED": .returned
        case _ where code.hasPrefix("RETURNED_"): .returned
        default: nil
        }
    }
}
