import Foundation
import SoukCatalog
import SoukDelivery
import SoukDomain
import SoukIdentity
import SoukPayments

/// The name of a service a host can run, as given to `soukd --services`.
///
/// The names come from the domains of ``HostDomains``; they are stable.
package struct ServiceName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name as typed on the command line.
    package let rawValue: String

    /// The name of `domain`.
    init(domain: any Domain.Type) { self.rawValue = domain.name }

    /// The conformance and benchmark service, `souk.testing.v1.TestService`.
    package static let testing = Self(domain: TestingDomain.self)
    /// Accounts, sessions, two-factor and keys: `souk.identity.v1.IdentityService`.
    package static let identity = Self(domain: IdentityDomain.self)
    /// Categories, products, prices, stock, carts and orders: `souk.catalog.v1.CatalogService` and `OrderService`.
    package static let catalog = Self(domain: CatalogDomain.self)
    /// Payments of orders through Stripe and YooKassa, refunds and webhooks: `souk.payments.v1.PaymentService`.
    package static let payments = Self(domain: PaymentsDomain.self)
    /// The tariff, shipping quotes, shipments and tracking: `souk.delivery.v1.DeliveryService`.
    package static let delivery = Self(domain: DeliveryDomain.self)

    /// Every service this build can host: one per domain of ``HostDomains``.
    package static let all: [Self] = HostDomains.all.map(Self.init(domain:)).sorted()

    /// Parses `all` or a comma-separated list such as `testing`.
    ///
    /// - Throws: ``HostError`` with code `invalidConfiguration` naming the unknown service and the known ones.
    package static func parseList(_ text: String) throws -> Set<Self> {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if names.isEmpty || names.allSatisfy(\.isEmpty) {
            throw HostError(
                code: .invalidConfiguration,
                message:
                    "--services is empty; give 'all' or a list of: \(Self.all.map(\.rawValue).joined(separator: ", "))"
            )
        }
        var result = Set<Self>()
        for name in names where !name.isEmpty {
            if name == "all" {
                result.formUnion(Self.all)
            } else if let known = Self.all.first(where: { $0.rawValue == name }) {
                result.insert(known)
            } else {
                throw HostError(
                    code: .invalidConfiguration,
                    message:
                        "--services: unknown service '\(name)'; known: all, \(Self.all.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }
        return result
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    package var description: String { self.rawValue }
}
