import SoukAPI

/// The order funnel's messages from the store's counts by status now.
///
/// Analytics keeps each order's status now, not its history, so a stage counts the orders at that status or a
/// later one along placed → paid → packed → shipped → delivered. A refunded order was paid (an order is refunded
/// only after its payment) and counts as paid and no further; a cancelled one counts as placed only.
enum FunnelFigures {
    /// The response for `rows` (in period order); `from` names the total's period. No rows: an empty report.
    static func response(for rows: [StatusCountRow], from: String) -> Souk_Reporting_V1_OrderFunnelResponse {
        var response = Souk_Reporting_V1_OrderFunnelResponse()
        var periods: [String: Souk_Reporting_V1_FunnelPeriod] = [:]
        var total = Souk_Reporting_V1_FunnelPeriod()
        total.periodStart = from
        for row in rows {
            var period = periods[row.period] ?? Self.empty(row.period)
            Self.add(row.status, row.count, to: &period)
            Self.add(row.status, row.count, to: &total)
            periods[row.period] = period
        }
        guard !periods.isEmpty else { return response }
        response.periods = periods.keys.sorted().map { Self.withRates(periods[$0]!) }
        response.total = Self.withRates(total)
        return response
    }

    private static func empty(_ start: String) -> Souk_Reporting_V1_FunnelPeriod {
        var period = Souk_Reporting_V1_FunnelPeriod()
        period.periodStart = start
        return period
    }

    /// Adds `count` orders now at `status`; a status analytics may add later counts as placed only.
    private static func add(_ status: String, _ count: Int64, to period: inout Souk_Reporting_V1_FunnelPeriod) {
        period.placed += count
        switch status {
        case "pending_payment": period.pendingPaymentNow += count
        case "paid": period.paidNow += count
        case "packed": period.packedNow += count
        case "shipped": period.shippedNow += count
        case "delivered": period.deliveredNow += count
        case "cancelled": period.cancelledNow += count
        case "refunded": period.refundedNow += count
        default: break
        }
        let stage: Int =
            switch status {
            case "paid", "refunded": 1
            case "packed": 2
            case "shipped": 3
            case "delivered": 4
            default: 0
            }
        if stage >= 1 { period.paid += count }
        if stage >= 2 { period.packed += count }
        if stage >= 3 { period.shipped += count }
        if stage >= 4 { period.delivered += count }
    }

    private static func withRates(_ period: Souk_Reporting_V1_FunnelPeriod) -> Souk_Reporting_V1_FunnelPeriod {
        var period = period
        period.cancellationRate.numerator = period.cancelledNow
        period.cancellationRate.denominator = period.placed
        period.refundRate.numerator = period.refundedNow
        period.refundRate.denominator = period.placed
        return period
    }
}
