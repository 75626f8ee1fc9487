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

    func register(
        reference: String,
        to: CourierAddress,
        parcel: Parcel,
        number: String
    ) async throws
        -> CourierRegistration
    {
        let parts = reference.split(separator: " ")
        guard parts.count == 2 else {
            throw CourierError(
                .invalidRequest,
                courier: "EasyPost",
                message: "quote reference: not 'shipmentID rateID'"
            )
        }
        // The shipment was created with the address at quote time; buying its rate books it.
        return try await self.client.buy(shipmentID: String(parts[0]), rateID: String(parts[1]))
    }

    func track(reference: String) async throws -> CourierTrackingReport {
        try await self.client.tracker(reference)
    }
}
