import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukAnalytics
import SoukReporting
import SoukStorage
import TestSupport

/// A host with every service, a staff member's and a customer's credentials, the reporting client, and (unless
/// told otherwise) the analytics schema holding ``fixture``.
struct ReportingShop {
    /// An order as the fixture writes it into `analytics.orders`, with its lines.
    struct Order {
        var placedAt: String
        var currency: String
        var status: String
        var totalMinor: Int64
        /// SKU, quantity, line total.
        var lines: [(String, Int32, Int64)]
        /// The customer; a new one when nil.
        var customer: UUID? = nil
        /// ISO 3166-1 alpha-2.
        var country = "DE"
    }

    /// Nine orders around midnight in Berlin (UTC+1 in January): the tests' expected figures are derived from
    /// these by hand.
    static let fixture: [Order] = [
        // A: Mon 5 Jan 11:00 Berlin.
        Order(
            placedAt: "2026-01-05 10:00:00+00",
            currency: "EUR",
            status: "paid",
            totalMinor: 10000,
            lines: [("MUG", 2, 6000), ("TEA", 1, 3000)]
        ),
        // B: 23:30 UTC on the 5th is 00:30 on Tue 6 Jan in Berlin.
        Order(
            placedAt: "2026-01-05 23:30:00+00",
            currency: "EUR",
            status: "delivered",
            totalMinor: 5001,
            lines: [("TEA", 3, 4500)]
        ),
        // C, D, E, F, G: 6 Jan.
        Order(
            placedAt: "2026-01-06 12:00:00+00",
            currency: "EUR",
            status: "refunded",
            totalMinor: 2000,
            lines: [("MUG", 1, 2000)]
        ),
        Order(
            placedAt: "2026-01-06 13:00:00+00",
            currency: "EUR",
            status: "cancelled",
            totalMinor: 3000,
            lines: [("MUG", 1, 3000)]
        ),
        Order(
            placedAt: "2026-01-06 14:00:00+00",
            currency: "RUB",
            status: "shipped",
            totalMinor: 150000,
            lines: [("MUG", 5, 150000)]
        ),
        Order(
            placedAt: "2026-01-06 15:00:00+00",
            currency: "EUR",
            status: "pending_payment",
            totalMinor: 1000,
            lines: [("TEA", 1, 1000)]
        ),
        Order(
            placedAt: "2026-01-06 16:00:00+00",
            currency: "EUR",
            status: "packed",
            totalMinor: 7000,
            lines: [("POT", 1, 7000)]
        ),
        // H: 23:30 UTC on the 7th is 00:30 on the 8th in Berlin (after a range ending on the 7th).
        Order(
            placedAt: "2026-01-07 23:30:00+00",
            currency: "EUR",
            status: "paid",
            totalMinor: 999,
            lines: [("MUG", 1, 999)]
        ),
        // I: 23:30 UTC on the 4th is 00:30 on the 5th in Berlin (before a range starting on the 5th in UTC).
        Order(
            placedAt: "2026-01-04 23:30:00+00",
            currency: "EUR",
            status: "delivered",
            totalMinor: 4000,
            lines: [("POT", 2, 4000)]
        ),
    ]

    let harness: IdentityHarness
    let reporting: any Souk_Reporting_V1_ReportingService.ClientProtocol
    let staff: Metadata
    let customer: Metadata

    /// Runs `body` against a fresh shop; `analytics: false` leaves the analytics schema uncreated.
    static func with(analytics: Bool = true, _ body: @Sendable (ReportingShop) async throws -> Void) async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var create = Souk_Identity_V1_CreateAccountRequest()
            create.email = "clerk@souk.example"
            create.roles = [.staff]
            let created = try await harness.identity.createAccount(create, metadata: admin)
            let first = try await harness.login(email: "clerk@souk.example", password: created.initialPassword)
            var change = Souk_Identity_V1_ChangePasswordRequest()
            change.currentPassword = created.initialPassword
            change.newPassword = "ledgers and ink 2026"
            _ = try await harness.identity.changePassword(
                change,
                metadata: IdentityHarness.bearer(first.tokens.accessToken)
            )
            let staff = try await harness.login(email: "clerk@souk.example", password: "ledgers and ink 2026")
            let customer = try await harness.customer(email: "ann@souk.example")
            if analytics {
                try await Self.load(Self.fixture, into: harness.databaseURL)
            }
            try await body(
                ReportingShop(
                    harness: harness,
                    reporting: harness.client(ReportingClient()),
                    staff: IdentityHarness.bearer(staff.tokens.accessToken),
                    customer: IdentityHarness.bearer(customer.accessToken)
                )
            )
        }
    }

    /// Creates the analytics schema as `souk-worker follow` does and writes `orders` into it.
    static func load(_ orders: [Order], into url: DatabaseURL) async throws {
        let logger = Logger(label: "test")
        try await TestDatabase.withClient(url) { client in
            try await AnalyticsStore(client: client, logger: logger).migrate()
            for (index, order) in orders.enumerated() {
                let id = UUID()
                let goods = order.lines.reduce(Int64(0)) { $0 + $1.2 }
                try await client.guardedQuery(
                    """
                    INSERT INTO analytics.orders (order_id, number, customer_id, status, currency, goods_total_minor,
                        total_minor, country, region, placed_at, updated_at)
                    VALUES (\(id), \(index + 1), \(order.customer ?? UUID()), \(order.status), \(order.currency),
                        \(goods), \(order.totalMinor), \(order.country), 'Berlin', \(order.placedAt)::timestamptz, \(order.placedAt)::timestamptz)
                    """,
                    logger: logger
                )
                for (line, (sku, quantity, total)) in order.lines.enumerated() {
                    try await client.guardedQuery(
                        """
                        INSERT INTO analytics.order_lines (order_id, line, sku, quantity, unit_price_minor,
                            line_total_minor)
                        VALUES (\(id), \(line + 1), \(sku), \(quantity), \(total / Int64(quantity)), \(total))
                        """,
                        logger: logger
                    )
                }
            }
        }
    }

    /// A sales report request over `from`…`to`.
    static func sales(
        _ from: String,
        _ to: String,
        tz: String = "Europe/Berlin",
        by grouping: Souk_Reporting_V1_ReportGrouping = .day,
        currency: String = ""
    ) -> Souk_Reporting_V1_SalesReportRequest {
        var request = Souk_Reporting_V1_SalesReportRequest()
        request.from = from
        request.to = to
        request.timeZone = tz
        request.grouping = grouping
        request.currency = currency
        return request
    }
}
