/// What the courier says of a shipment now: its tracking number, its current status and every report so far.
package struct CourierTrackingReport: Sendable, Hashable {
    /// The courier's id (CDEK's order uuid, EasyPost's tracker id).
    package var reference: String
    /// The waybill or tracking code, once there is one.
    package var trackingNumber: String?
    /// The courier's current report: the latest it gave, which may name an earlier step than one before it.
    package var current: CourierTracking?
    /// Every report, oldest first (as the courier ordered reports of equal time).
    package var history: [CourierTracking]

    /// A report of `history`, whose current one is `current`.
    package init(
        reference: String,
        trackingNumber: String?,
        current: CourierTracking?,
        history: [CourierTracking]
    ) {
        self.reference = reference
        self.trackingNumber = trackingNumber
        self.current = current
        self.history = history
    }
}
