/// A shipment's rates, as ``EasyPostClient/quote(from:to:parcel:)`` answers them.
package struct EasyPostQuote: Sendable, Hashable {
    /// The shipment (`shp_…`) to buy a rate of.
    package var shipmentID: String
    /// Its rates.
    package var rates: [CourierRate]

    /// A quote.
    package init(shipmentID: String, rates: [CourierRate]) {
        self.shipmentID = shipmentID
        self.rates = rates
    }
}
