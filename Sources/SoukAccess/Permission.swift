/// What a caller may do. Roles grant permissions (``RolePermissions``); methods require them (``AccessPolicy``).
package struct Permission: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    package let rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    package var description: String { self.rawValue }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A signed-in person's own account: profile, sessions, password, two-factor.
    package static let ownAccount = Permission(rawValue: "account.own")
    /// Read any account (staff support).
    package static let readAccounts = Permission(rawValue: "accounts.read")
    /// Create accounts, set roles, disable accounts, create service accounts.
    package static let manageAccounts = Permission(rawValue: "accounts.manage")
    /// Rotate the token signing keys.
    package static let manageKeys = Permission(rawValue: "keys.manage")
    /// Read the security audit log.
    package static let readAudit = Permission(rawValue: "audit.read")

    /// The caller's own cart.
    package static let ownCart = Permission(rawValue: "cart.own")
    /// Create and publish categories and products; see drafts.
    package static let editCatalog = Permission(rawValue: "catalog.edit")

    /// The caller's own orders: place, list, cancel while unpaid.
    package static let ownOrders = Permission(rawValue: "orders.own")
    /// Any order: list, filter, watch live and move along the state machine.
    package static let manageOrders = Permission(rawValue: "orders.manage")
    /// The outbox of domain events (payments, delivery and analytics consumers).
    package static let readEvents = Permission(rawValue: "events.read")

    /// Any payment: read, capture, cancel, refund, reconcile with the providers.
    package static let managePayments = Permission(rawValue: "payments.manage")

    /// The warehouses and their addresses: where parcels ship from.
    package static let readWarehouses = Permission(rawValue: "warehouses.read")

    /// The delivery tariff and every shipment: read, watch live, move the merchant's own deliveries.
    package static let manageDelivery = Permission(rawValue: "delivery.manage")

    /// The reports: sales, the order funnel, top products (read from the analytics schema).
    package static let readReports = Permission(rawValue: "reports.read")

    /// Replace the recommendation lists served (the worker's service account, `souk-worker recs build`).
    package static let publishRecommendations = Permission(rawValue: "recommendations.publish")

    /// Every permission defined so far (service accounts may be given any of them as scopes).
    package static let all: [Permission] = [
        .ownAccount, .readAccounts, .manageAccounts, .manageKeys, .readAudit, .editCatalog, .ownCart, .ownOrders,
        .manageOrders, .readEvents, .managePayments, .manageDelivery, .readWarehouses, .readReports,
        .publishRecommendations,
    ]
}

/// The roles of the identity service, as names.
package enum RoleName: String, Sendable, CaseIterable, Comparable {
    case customer
    case staff
    case admin
    case service

    package static func < (lhs: Self, rhs: Self) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }
}

/// Which permissions each role grants: the single table the README's roles table is generated from.
package enum RolePermissions {
    /// The permissions of `role`. Service accounts get theirs from their scopes instead.
    package static func permissions(of role: RoleName) -> Set<Permission> {
        switch role {
        case .customer: [.ownAccount, .ownCart, .ownOrders]
        case .staff:
            [
                .ownAccount, .readAccounts, .editCatalog, .ownCart, .ownOrders, .manageOrders, .managePayments,
                .manageDelivery, .readWarehouses, .readReports,
            ]
        case .admin: Set(Permission.all)
        case .service: []
        }
    }
}
