import GRPCCore
import SoukMoney

/// The providers a host has keys for, and which one takes which currency.
struct PaymentProviders: Sendable {
    let byName: [String: any PaymentProvider]
    let providerByCurrency: [String: String]
    let defaultProvider: String

    /// The provider for `currency`.
    /// - Throws: ``PaymentsError`` naming the currency when its provider has no keys here or does not take it.
    func provider(for currency: Currency) throws -> any PaymentProvider {
        let name = self.providerByCurrency[currency.code] ?? self.defaultProvider
        guard let provider = self.byName[name] else {
            throw PaymentsError.failedPrecondition(
                "currency: payments in \(currency.code) go to \(name), which this shop has no keys for"
            )
        }
        guard provider.accepts(currency) else {
            throw PaymentsError.failedPrecondition("currency: \(name) does not take payments in \(currency.code)")
        }
        return provider
    }

    /// The provider a stored payment went through.
    func named(_ name: String) throws -> any PaymentProvider {
        guard let provider = self.byName[name] else {
            throw PaymentsError(.unavailable, "provider: \(name) is not configured on this host")
        }
        return provider
    }
}
