import SoukAPI

/// The fields every report request carries: a range of local days, their time zone, a grouping and an optional
/// currency. The generated request messages conform, so one ``ReportQuery`` initializer checks them all.
protocol ReportRequest {
    var from: String { get }
    var to: String { get }
    var timeZone: String { get }
    var grouping: Souk_Reporting_V1_ReportGrouping { get }
    var currency: String { get }
}

extension Souk_Reporting_V1_SalesReportRequest: ReportRequest {}
extension Souk_Reporting_V1_OrderFunnelRequest: ReportRequest {}
extension Souk_Reporting_V1_TopProductsRequest: ReportRequest {}
extension Souk_Reporting_V1_CurrencyReportRequest: ReportRequest {}
