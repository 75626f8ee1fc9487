package import GRPCCore
package import Logging
package import PostgresNIO
package import SoukAPI
import SoukCalendar

/// `souk.reporting.v1.ReportingService`: sales, the order funnel and top products for staff, computed in SQL over
/// the analytics schema at each call.
package struct ReportingService: Souk_Reporting_V1_ReportingService.SimpleServiceProtocol {
    /// The products per period a top-products report names when the request says 0.
    static let defaultLimit: Int32 = 10
    /// The most products per period a top-products report names.
    static let maximumLimit: Int32 = 100
    /// The customers a segments report lists when the request says 0.
    static let defaultCustomers: Int32 = 100
    /// The most customers a segments report lists.
    static let maximumCustomers: Int32 = 10_000

    let store: ReportingStore

    package init(postgres: PostgresClient, logger: Logger) {
        self.store = ReportingStore(client: postgres, logger: logger)
    }

    package func salesReport(
        request: Souk_Reporting_V1_SalesReportRequest,
        context: ServerContext
    ) async throws -> Souk_Reporting_V1_SalesReportResponse {
        guard let query = try await self.query(request) else { return .init() }
        return SalesFigures.response(for: try await self.store.sales(query), from: query.from.text)
    }

    package func orderFunnel(
        request: Souk_Reporting_V1_OrderFunnelRequest,
        context: ServerContext
    ) async throws -> Souk_Reporting_V1_OrderFunnelResponse {
        guard let query = try await self.query(request) else { return .init() }
        return FunnelFigures.response(for: try await self.store.statusCounts(query), from: query.from.text)
    }

    package func topProducts(
        request: Souk_Reporting_V1_TopProductsRequest,
        context: ServerContext
    ) async throws -> Souk_Reporting_V1_TopProductsResponse {
        guard (0...Self.maximumLimit).contains(request.limit) else {
            throw ReportingError.invalidArgument("limit: \(request.limit) is not between 1 and \(Self.maximumLimit)")
        }
        let limit = Int(request.limit == 0 ? Self.defaultLimit : request.limit)
        guard let query = try await self.query(request) else { return .init() }
        var response = Souk_Reporting_V1_TopProductsResponse()
        response.byRevenue = try await self.store.topByRevenue(query, limit: limit).map { row in
            var rank = Self.rank(row)
            rank.revenue.minorUnits = row.revenueMinor
            rank.revenue.currency = row.currency
            return rank
        }
        response.byUnits = try await self.store.topByUnits(query, limit: limit).map(Self.rank)
        return response
    }

    package func currencyReport(
        request: Souk_Reporting_V1_CurrencyReportRequest,
        context: ServerContext
    ) async throws -> Souk_Reporting_V1_CurrencyReportResponse {
        guard let query = try await self.query(request) else { return .init() }
        return CustomerFigures.currencyReport(try await self.store.currencyCountries(query), from: query.from.text)
    }

    package func customerSegments(
        request: Souk_Reporting_V1_CustomerSegmentsRequest,
        context: ServerContext
    ) async throws -> Souk_Reporting_V1_CustomerSegmentsResponse {
        let asOf = try ReportQuery.day(request.asOf, field: "as_of")
        try ReportQuery.checkShape(timeZone: request.timeZone)
        try ReportQuery.check(currency: request.currency)
        guard (0...Self.maximumCustomers).contains(request.limit) else {
            throw ReportingError.invalidArgument(
                "limit: \(request.limit) is not between 1 and \(Self.maximumCustomers)"
            )
        }
        guard try await self.store.check(timeZone: request.timeZone) else { return .init() }
        let rows = try await self.store.customerScores(
            asOf: asOf,
            timeZone: request.timeZone,
            currency: request.currency
        )
        return CustomerFigures.segments(rows, limit: Int(request.limit == 0 ? Self.defaultCustomers : request.limit))
    }

    /// `request` checked, with its time zone known to PostgreSQL; `nil` while the analytics schema does not exist
    /// (every report is empty then).
    private func query(_ request: some ReportRequest) async throws -> ReportQuery? {
        let query = try ReportQuery(request)
        return try await self.store.check(timeZone: query.timeZone) ? query : nil
    }

    private static func rank(_ row: ProductRow) -> Souk_Reporting_V1_ProductRank {
        var rank = Souk_Reporting_V1_ProductRank()
        rank.periodStart = row.period
        rank.rank = Int32(clamping: row.rank)
        rank.sku = row.sku
        rank.units = row.units
        rank.orders = row.orders
        return rank
    }
}
