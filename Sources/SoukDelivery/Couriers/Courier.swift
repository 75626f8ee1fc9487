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
    /// Books `booking` with the courier: a CDEK order, an EasyPost label. Safe to call again after a failure:
    /// before the step that cannot be repeated the courier saves a draft with `saveDraft`, and a later call given
    /// that `draft` first looks for what the earlier one made (CDEK's order by Souk's number, EasyPost's bought
    /// label) instead of making it twice.
    ///
    /// - Parameter draft: what an earlier call saved; empty on the first.
    /// - Throws: ``CourierError``, what `saveDraft` throws, or `CancellationError`.
    func register(
        _ booking: CourierBooking,
        draft: String,
        saveDraft: @Sendable (String) async throws -> Void
    ) async throws -> CourierRegistration
    /// Cancels a booking the courier does not have in hand yet: CDEK deletes the order, EasyPost refunds the
    /// label.
    ///
    /// - Parameters:
    ///   - trackingReference: the registration's tracking reference.
    ///   - draft: what booking saved (EasyPost's shipment id is in it).
    /// - Throws: ``CourierError`` (``CourierError/Code/invalidRequest`` when the courier has the parcel already), or
    ///   `CancellationError`.
    func cancel(trackingReference: String, draft: String) async throws
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
    /// What booking it takes: CDEK's tariff code, or EasyPost's `shipmentID rateID` (of the quote's own
    /// shipment; booking rates the order's full address again).
    package var reference: String

    package init(rate: CourierRate, serviceCode: String, reference: String) {
        self.rate = rate
        self.serviceCode = serviceCode
        self.reference = reference
    }
}

/// What booking a shipment with a courier takes: the service the customer chose, where from and to, what and
/// under which number.
package struct CourierBooking: Sendable, Hashable {
    /// The quote's service code: CDEK's tariff code, EasyPost's `carrier service`.
    package var serviceCode: String
    /// The quote's courier reference (``CourierQuote/reference``).
    package var quoteReference: String
    /// The shipment's warehouse, with its dispatch desk as sender.
    package var from: CourierAddress
    /// The order's full delivery address.
    package var to: CourierAddress
    package var parcel: Parcel
    /// Souk's own number of the shipment (its id): CDEK finds an order by it.
    package var number: String

    package init(
        serviceCode: String,
        quoteReference: String,
        from: CourierAddress,
        to: CourierAddress,
        parcel: Parcel,
        number: String
    ) {
        self.serviceCode = serviceCode
        self.quoteReference = quoteReference
        self.from = from
        self.to = to
        self.parcel = parcel
        self.number = number
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
