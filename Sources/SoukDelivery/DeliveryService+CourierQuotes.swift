import Foundation
import Logging
import SoukAPI
import SoukCouriers
import SoukMoney

extension DeliveryService {
    /// What the live couriers offer: their prices, or why a courier offers none.
    struct CourierOffers: Sendable {
        var quotes: [(carrier: String, quote: CourierQuote)] = []
        var failures: [Souk_Delivery_V1_CourierFailure] = []
    }

    /// Asks every configured courier that serves `destination` for its prices, all at once, each bounded by
    /// ``DeliverySettings/requestTimeout``; a courier that fails, is too slow, or prices in another currency than
    /// the cart's is named in the failures instead (prices are never converted).
    func courierOffers(
        parcel: Parcel,
        to address: CourierAddress,
        destination: Destination,
        currency: Currency
    ) async -> CourierOffers {
        let serving = self.couriers.filter { $0.serves(destination) }
        guard !serving.isEmpty else { return CourierOffers() }
        let timeout = self.settings.requestTimeout
        return await withTaskGroup(of: (String, Result<[CourierQuote], any Error>).self) { group in
            for courier in serving {
                group.addTask {
                    do {
                        let quotes = try await Self.within(timeout, courier: courier.name) {
                            try await courier.quotes(parcel: parcel, to: address, currency: currency)
                        }
                        return (courier.name, .success(quotes))
                    } catch {
                        return (courier.name, .failure(error))
                    }
                }
            }
            var offers = CourierOffers()
            for await (name, result) in group {
                switch result {
                case .success(let quotes):
                    let foreign = quotes.filter { $0.rate.currency != currency }
                    if let other = foreign.first {
                        offers.failures.append(
                            Self.failure(
                                name,
                                "prices in \(other.rate.currency.code), not in the cart's \(currency.code); not offered"
                            )
                        )
                    } else if quotes.isEmpty {
                        offers.failures.append(Self.failure(name, "no rate for this parcel and address"))
                    } else {
                        offers.quotes += quotes.map { (name, $0) }
                    }
                case .failure(let error):
                    self.logger.notice(
                        "delivery: a courier gave no prices",
                        // The code only: a courier's message may quote the buyer's postcode.
                        metadata: ["carrier": "\(name)", "error": "\(Self.code(of: error))"]
                    )
                    offers.failures.append(Self.failure(name, Self.reason(error, timeout: timeout)))
                }
            }
            offers.failures.sort { $0.carrier < $1.carrier }
            return offers
        }
    }

    /// The courier's address for `address`, as the request gave it.
    static func courierAddress(_ address: Souk_Identity_V1_Address, destination: Destination) -> CourierAddress {
        CourierAddress(
            country: destination.country,
            region: destination.region,
            city: destination.city,
            postalCode: destination.postalCode,
            line1: address.line1,
            line2: address.line2,
            recipient: address.recipient,
            phone: address.phone
        )
    }

    /// Runs `body`, giving up with a ``CourierError/Code/timeout`` after `timeout`.
    static func within<Value: Sendable>(
        _ timeout: Duration,
        courier: String,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw CourierError(.timeout, courier: courier, message: "no answer within \(timeout)")
            }
            return value
        }
    }

    /// Why a courier call failed, in words for the buyer and the log (never an address or a key).
    static func reason(_ error: any Error, timeout: Duration) -> String {
        guard let error = error as? CourierError else { return "failed: \(type(of: error))" }
        switch error.code {
        case .timeout: return "no answer within \(timeout); try again later"
        case .unavailable:
            return "unavailable (\(error.httpStatus.map { "HTTP \($0)" } ?? "no answer")): \(error.message)"
        case .unknownLocation: return "does not deliver to this address: \(error.message)"
        case .overweight: return "the parcel is too heavy or too large: \(error.message)"
        default: return "\(error.code): \(error.message)"
        }
    }

    /// A courier error's code, or the error's type: what a log line may carry.
    static func code(of error: any Error) -> String {
        (error as? CourierError).map { "\($0.code)" } ?? "\(type(of: error))"
    }

    static func failure(_ carrier: String, _ message: String) -> Souk_Delivery_V1_CourierFailure {
        var failure = Souk_Delivery_V1_CourierFailure()
        failure.carrier = carrier
        failure.message = message
        return failure
    }
}
