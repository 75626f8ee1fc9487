import Foundation

/// The name of a service a host can run, as given to `soukd --services`.
///
/// Domain services join this list as their modules land; the names are stable.
package struct ServiceName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The name as typed on the command line.
    package let rawValue: String

    private init(_ rawValue: String) { self.rawValue = rawValue }

    /// The conformance and benchmark service, `souk.testing.v1.TestService`.
    package static let testing = Self("testing")
    /// Accounts, sessions, two-factor and keys: `souk.identity.v1.IdentityService`.
    package static let identity = Self("identity")

    /// Categories, products, prices and search: `souk.catalog.v1.CatalogService`.
    package static let catalog = Self("catalog")

    /// Every service this build can host.
    package static let all: [Self] = [.catalog, .identity, .testing]

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
