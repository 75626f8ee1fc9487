/// A shipment the courier has accepted: a CDEK order registered, an EasyPost label bought.
package struct CourierRegistration: Sendable, Hashable {
    /// The courier's id of the shipment: CDEK's order `uuid`, EasyPost's shipment id (`shp_…`).
    package var reference: String
    /// What to pass to `track`: CDEK's order `uuid` again, EasyPost's tracker id (`trk_…`).
    package var trackingReference: String
    /// The waybill or tracking code the recipient can look up, once the courier has one (CDEK assigns its
    /// `cdek_number` a little after registration: read the order to get it).
    package var trackingNumber: String?
    /// Where the label is, when the courier made one (EasyPost's `postage_label.label_url`).
    package var labelURL: String?

    /// A registration.
    package init(reference: String, trackingReference: String, trackingNumber: String?, labelURL: String?) {
        self.reference = reference
        self.trackingReference = trackingReference
        self.trackingNumber = trackingNumber
        self.labelURL = labelURL
    }
}
