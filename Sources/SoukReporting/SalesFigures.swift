import SoukAPI

/// The sales report's messages from the store's rows: each period as read, and the range's totals per currency
/// summed from them, with average order values in integer division.
enum SalesFigures {
    /// The response for `rows` (in period then currency order); `from` names the totals' period.
    static func response(for rows: [SalesRow], from: String) -> Souk_Reporting_V1_SalesReportResponse {
        var response = Souk_Reporting_V1_SalesReportResponse()
        response.periods = rows.map(Self.period)
        var totals: [String: SalesRow] = [:]
        for row in rows {
            var total =
                totals[row.currency]
                ?? SalesRow(
                    period: from,
                    currency: row.currency,
                    orders: 0,
                    revenueMinor: 0,
                    units: 0,
                    refundedOrders: 0,
                    refundedMinor: 0,
                    cancelledOrders: 0,
                    cancelledMinor: 0
                )
            total.orders += row.orders
            total.revenueMinor += row.revenueMinor
            total.units += row.units
            total.refundedOrders += row.refundedOrders
            total.refundedMinor += row.refundedMinor
            total.cancelledOrders += row.cancelledOrders
            total.cancelledMinor += row.cancelledMinor
            totals[row.currency] = total
        }
        response.totals = totals.keys.sorted().map { Self.period(totals[$0]!) }
        return response
    }

    /// Revenue / orders rounded towards zero (Swift's `/` on integers); 0 with no order.
    static func averageOrderValue(revenueMinor: Int64, orders: Int64) -> Int64 {
        orders == 0 ? 0 : revenueMinor / orders
    }

    private static func period(_ row: SalesRow) -> Souk_Reporting_V1_SalesPeriod {
        func money(_ minor: Int64) -> Souk_Catalog_V1_Money {
            var money = Souk_Catalog_V1_Money()
            money.minorUnits = minor
            money.currency = row.currency
            return money
        }
        var period = Souk_Reporting_V1_SalesPeriod()
        period.periodStart = row.period
        period.currency = row.currency
        period.orders = row.orders
        period.revenue = money(row.revenueMinor)
        period.units = row.units
        period.averageOrderValue = money(Self.averageOrderValue(revenueMinor: row.revenueMinor, orders: row.orders))
        period.refundedOrders = row.refundedOrders
        period.refunded = money(row.refundedMinor)
        period.cancelledOrders = row.cancelledOrders
        period.cancelled = money(row.cancelledMinor)
        return period
    }
}
