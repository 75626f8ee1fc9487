import SoukCouriers
import SoukMoney

/// EasyPost through ``EasyPostClient``: everywhere CDEK does not go, priced by creating a shipment and reading
/// its rates, a quote's reference being `shipmentID rateID`.
struct EasyPostCourier: Courier {
    let client: EasyPostClient
    let origin: CourierAddress

    var name: String { "easypost" }

    func serves(_ destination: Destination) -> Bool { !CDEKCourier.countries.contains(destination.country) }

    func quotes(parcel: Parcel, to: CourierAddress, currency: Currency) async throws -> [CourierQuote] {
        let quote = try await self.client.quote(from: self.origin, to: to, parcel: parcel.courierParcel)
        return quote.rates.map {
            CourierQuote(rate: $0, serviceCode: $0.name, reference: "\(quote.shipmentID) \($0.code)")
        }
    }

    /// Rates the order's full address from the shipment's warehouse again (the quote's shipment had only what
    /// checkout knew), buys the rate of the service the customer chose, and saves `shipmentID rateID` before
    /// buying: after a failure, the saved shipment is read first and bought only if it has no label.
    func register(
        _ booking: CourierBooking,
        draft: String,
        saveDraft: @Sendable (String) async throws -> Void
    ) async throws -> CourierRegistration {
        if !draft.isEmpty {
            let parts = draft.split(separator: " ").map(String.init)
            guard parts.count == 2 else {
                throw CourierError(.invalidRequest, courier: "EasyPost", message: "draft: not 'shipmentID rateID'")
            }
            if let bought = try await self.client.shipment(parts[0]) { return bought }
            return try await self.client.buy(shipmentID: parts[0], rateID: parts[1])
        }
        let quote = try await self.client.quote(
            from: booking.from,
            to: booking.to,
            parcel: booking.parcel.courierParcel
        )
        guard let rate = quote.rates.first(where: { $0.name == booking.serviceCode }) else {
            throw CourierError(
                .invalidRequest,
                courier: "EasyPost",
                message:
                    "service: '\(booking.serviceCode.prefix(60))' is no longer offered for this address and parcel; book another by hand"
            )
        }
        try await saveDraft("\(quote.shipmentID) \(rate.code)")
        return try await self.client.buy(shipmentID: quote.shipmentID, rateID: rate.code)
    }

    func cancel(trackingReference: String, draft: String) async throws {
        guard let shipmentID = draft.split(separator: " ").first, draft.split(separator: " ").count == 2 else {
            throw CourierError(
                .invalidRequest,
                courier: "EasyPost",
                message: "label: Souk does not know which EasyPost shipment it is; refund it in EasyPost"
            )
        }
        _ = try await self.client.refund(shipmentID: String(shipmentID))
    }

    func track(reference: String) async throws -> CourierTrackingReport {
        try await self.client.tracker(reference)
    }
}
