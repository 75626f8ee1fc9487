import SoukCouriers
import SoukMoney

/// CDEK through ``CDEKClient``: Russia and its neighbours, priced by the tariff list, a quote's reference being
/// its tariff code.
struct CDEKCourier: Courier {
    /// The countries CDEK delivers to from the shop.
    static let countries: Set<String> = ["RU", "KZ", "BY", "AM", "KG", "UZ"]

    let client: CDEKClient
    let origin: CourierAddress

    var name: String { "cdek" }

    func serves(_ destination: Destination) -> Bool { Self.countries.contains(destination.country) }

    func quotes(parcel: Parcel, to: CourierAddress, currency: Currency) async throws -> [CourierQuote] {
        let rates = try await self.client.tariffs(from: self.origin, to: to, parcels: [parcel.courierParcel])
        return rates.map { CourierQuote(rate: $0, serviceCode: $0.code, reference: $0.code) }
    }

    /// Registers the order from the shipment's warehouse; after a failure, finds it by Souk's number first: a
    /// registration whose answer was lost may exist.
    func register(
        _ booking: CourierBooking,
        draft: String,
        saveDraft: @Sendable (String) async throws -> Void
    ) async throws -> CourierRegistration {
        guard let tariff = Int(booking.quoteReference) else {
            throw CourierError(
                .invalidRequest,
                courier: "CDEK",
                message: "tariff code: '\(booking.quoteReference.prefix(20))' is not one"
            )
        }
        if !draft.isEmpty, let found = try await self.client.order(number: booking.number) {
            return CourierRegistration(
                reference: found.reference,
                trackingReference: found.reference,
                trackingNumber: found.trackingNumber,
                labelURL: nil
            )
        }
        try await saveDraft(Self.sentDraft)
        return try await self.client.register(
            tariffCode: tariff,
            from: booking.from,
            to: booking.to,
            parcels: [booking.parcel.courierParcel],
            number: booking.number
        )
    }

    /// The draft saved before an order is sent: the next attempt looks it up by number.
    static let sentDraft = "order sent"

    func cancel(trackingReference: String, draft: String) async throws {
        try await self.client.deleteOrder(trackingReference)
    }

    func track(reference: String) async throws -> CourierTrackingReport {
        try await self.client.order(reference)
    }
}
