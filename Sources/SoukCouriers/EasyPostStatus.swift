/// EasyPost's tracker statuses in Souk's words (providers.md §4.2; the full set is unverified).
package enum EasyPostStatus {
    /// The status for EasyPost's `status`; nil for `unknown`, `cancelled`, `error` and anything Souk does not know.
    ///
    /// - `pre_transit` → ``CourierStatus/created``
    /// - `in_transit` → ``CourierStatus/inTransit``
    /// - `out_for_delivery`, `available_for_pickup` → ``CourierStatus/outForDelivery``
    /// - `delivered` → ``CourierStatus/delivered``
    /// - `return_to_sender` → ``CourierStatus/returned``
    /// - `failure` → ``CourierStatus/failedAttempt``
    package static func status(_ status: String) -> CourierStatus? {
        switch status {
        case "pre_transit": .created
        case "in_transit": .inTransit
        case "out_for_delivery", "available_for_pickup": .outForDelivery
        case "delivered": .delivered
        case "return_to_sender": .returned
        case "failure": .failedAttempt
        default: nil
        }
    }
}
