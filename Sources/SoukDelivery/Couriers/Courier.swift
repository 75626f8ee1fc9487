package import SoukCouriers
package import SoukMoney

/// A live courier as delivery uses it: whether it serves a place, its prices for a parcel, booking a shipment and
/// reading where it is. ``CDEKCourier`` and ``EasyPostCourier`` adapt the courier clients.
package protocol Courier: Sendable {
    /// The carrier name quotes and shipments carry (`cdek`, `easypost`).
    var name: String { get }
    /// Whether the courier delivers to `destination`'s country.
    func serves(_ destination: Destination) -> Bool
    /// The courier's prices for `parcel` from the shop's origin to `to`; `currency` is the cart's.
    ///
    /// - Throws: ``CourierError`` or `CancellationError`.
    func quotes(parcel: Parcel, to: CourierAddress, currency: Currency) async throws -> [CourierQuote]
    /// Books the shipment the quote with `reference` priced: a CDEK order, an EasyPost label.
    ///
    /// - Parameter number: Souk's own number of the shipment (its id).
    /// - Throws: ``CourierError`` or `CancellationError`.
    func register(
        reference: String,
        to: CourierAddress,
        parcel: Parcel,
        number: String
    ) async throws
        -> CourierRegistration
    /// What the courier says of a shipment now.
    ///
    /// - Parameter reference: the registration's tracking reference.
    /// - Throws: ``CourierError`` or `CancellationError`.
    func track(reference: String) async throws -> CourierTrackingReport
}

/// One of a courier's prices, with what registering it later needs.
package struct CourierQuote: Sendable, Hashable {
    /// The courier's rate (its name becomes the quote's service name).
    package var rate: CourierRate
    /// The quote's service code: CDEK's tariff code, EasyPost's `carrier service` (the proto's words).
    package var serviceCode: String
    /// What ``Courier/register(reference:to:parcel:number:)`` takes: CDEK's tariff code, or EasyPost's
    /// `shipmentID rateID`.
    package var reference: String

    package init(rate: CourierRate, serviceCode: String, reference: String) {
        self.rate = rate
        self.serviceCode = serviceCode
        self.reference = reference
    }
}

extension Parcel {
    /// The parcel as the courier clients measure it.
    var courierParcel: CourierParcel {
        CourierParcel(
            weightGrams: self.weightGrams,
            lengthMM: max(self.lengthMM, 1),
            widthMM: max(self.widthMM, 1),
            heightMM: max(self.heightMM, 1)
        )
    }
}
