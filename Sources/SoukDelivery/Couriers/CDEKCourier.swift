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

    func register(
        reference: String,
        to: CourierAddress,
        parcel: Parcel,
        number: String
    ) async throws
        -> CourierRegistration
    {
        guard let tariff = Int(reference) else {
            throw CourierError(
                .invalidRequest,
                courier: "CDEK",
                message: "tariff code: '\(reference.prefix(20))' is not one"
            )
        }
        return try await self.client.register(
            tariffCode: tariff,
            from: self.origin,
            to: to,
            parcels: [parcel.courierParcel],
            number: number
        )
    }

    func track(reference: String) async throws -> CourierTrackingReport {
        try await self.client.order(reference)
    }
}
