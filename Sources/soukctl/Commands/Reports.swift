import ArgumentParser
import SoukAPI
import SoukCtlKit
import SwiftProtobuf

/// `soukctl reports sales|orders|products`: the reporting service's reports over local days, as a table, CSV or
/// JSON (staff).
struct Reports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sales, the order funnel and top products over a range of days (staff).",
        discussion: """
            Read from the analytics schema that souk-worker follow fills: orders appear once it has copied them. \
            Money is exact, in each order's currency; rates are fractions.
            """,
        subcommands: [Sales.self, OrderFunnel.self, TopProducts.self, Currencies.self, Segments.self]
    )

    /// The options every report takes.
    struct RangeOptions: ParsableArguments {
        @Option(help: "The first day (YYYY-MM-DD) in --tz.") var from: String
        @Option(help: "The last day (YYYY-MM-DD) in --tz, included.") var to: String
        @Option(help: "Group by day, week or month.") var by: String = "day"
        @Option(help: "The IANA time zone of the days (Europe/Berlin).") var tz: String = "UTC"
        @Option(help: "Only orders in this currency (ISO 4217); default: every currency.") var currency: String?
        @Flag(help: "CSV with a header line instead of a table.") var csv = false

        func validate() throws {
            try validating {
                _ = try DayParsing.startOfDay(self.from, flag: "--from")
                _ = try DayParsing.startOfDay(self.to, flag: "--to")
                _ = try ReportSheet.grouping(self.by)
            }
        }

        /// A report request with the range, time zone, grouping and currency of these options.
        func request<Request: ReportRequestFields>() -> Request {
            var request = Request()
            request.from = self.from
            request.to = self.to
            request.timeZone = self.tz
            request.grouping = (try? ReportSheet.grouping(self.by)) ?? .unspecified
            request.currency = self.currency ?? ""
            return request
        }
    }

    /// Prints `sheet` as CSV, a table, or (with `--output json`) `message`.
    static func print(
        _ sheet: ReportSheet,
        _ message: some SwiftProtobuf.Message,
        range: RangeOptions,
        global: GlobalOptions
    )
        throws
    {
        if global.isJSON { return try Printer.json(message) }
        if range.csv { return Printer.line(String(sheet.csv.dropLast())) }
        guard !sheet.rows.isEmpty else { return Printer.note("no orders from \(range.from) to \(range.to)") }
        Printer.line(sheet.table(width: Terminal.width))
    }

    struct Sales: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revenue, orders, units, average order value, refunds and cancellations per period and currency."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var range: RangeOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let request: Souk_Reporting_V1_SalesReportRequest = self.range.request()
                let report = try await session.authenticated { api in
                    try await api.reporting.salesReport(request, options: api.options)
                }
                try Reports.print(ReportSheet.sales(report), report, range: self.range, global: self.global)
            }
        }
    }

    struct OrderFunnel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "orders",
            abstract: "Orders placed per period by how far they went, with cancellation and refund rates."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var range: RangeOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let request: Souk_Reporting_V1_OrderFunnelRequest = self.range.request()
                let report = try await session.authenticated { api in
                    try await api.reporting.orderFunnel(request, options: api.options)
                }
                try Reports.print(ReportSheet.funnel(report), report, range: self.range, global: self.global)
            }
        }
    }

    struct TopProducts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "products",
            abstract: "The best-selling SKUs per period, by revenue in each currency and by units."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var range: RangeOptions
        @Option(help: "Products per period (1 to 100).") var limit: Int32 = 10

        func validate() throws {
            guard (1...100).contains(self.limit) else { throw ValidationError("--limit: 1 to 100") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request: Souk_Reporting_V1_TopProductsRequest = self.range.request()
                request.limit = self.limit
                let report = try await session.authenticated { api in
                    try await api.reporting.topProducts(request, options: api.options)
                }
                try Reports.print(ReportSheet.products(report), report, range: self.range, global: self.global)
            }
        }
    }
}

extension Reports {
    struct Currencies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sales per period by currency and by the customers' country."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var range: RangeOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let request: Souk_Reporting_V1_CurrencyReportRequest = self.range.request()
                let report = try await session.authenticated { api in
                    try await api.reporting.currencyReport(request, options: api.options)
                }
                try Reports.print(ReportSheet.currencies(report), report, range: self.range, global: self.global)
            }
        }
    }

    struct Segments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Customers by main currency in RFM segments (recency, frequency, spend), for marketing.",
            discussion: """
                Each customer is scored 1 to 5 on each figure among the customers of their main currency, and put \
                in the first segment that fits: champions, at risk, loyal, new, hibernating, needs attention. \
                --customers lists the customers (ids only) instead of the segments.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The day (YYYY-MM-DD) in --tz the segments are taken on.") var asOf: String
        @Option(help: "The IANA time zone of the day (Europe/Berlin).") var tz: String = "UTC"
        @Option(help: "Only customers whose main currency is this (ISO 4217).") var currency: String?
        @Option(help: "Customers listed with --customers (1 to 10000).") var limit: Int32 = 100
        @Flag(help: "List the customers, highest spend first, instead of the segments.") var customers = false
        @Flag(help: "CSV with a header line instead of a table.") var csv = false

        func validate() throws {
            try validating { _ = try DayParsing.startOfDay(self.asOf, flag: "--as-of") }
            guard (1...10_000).contains(self.limit) else { throw ValidationError("--limit: 1 to 10000") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Reporting_V1_CustomerSegmentsRequest()
                request.asOf = self.asOf
                request.timeZone = self.tz
                request.currency = self.currency ?? ""
                request.limit = self.customers ? self.limit : 1
                let report = try await session.authenticated { api in
                    try await api.reporting.customerSegments(request, options: api.options)
                }
                if self.global.isJSON { return try Printer.json(report) }
                let sheet = self.customers ? ReportSheet.segmentCustomers(report) : ReportSheet.segments(report)
                if self.csv { return Printer.line(String(sheet.csv.dropLast())) }
                guard !sheet.rows.isEmpty else { return Printer.note("no customer bought by \(self.asOf)") }
                Printer.line(sheet.table(width: Terminal.width))
            }
        }
    }
}

/// The fields every report request carries; the generated request messages conform.
protocol ReportRequestFields: SwiftProtobuf.Message {
    var from: String { get set }
    var to: String { get set }
    var timeZone: String { get set }
    var grouping: Souk_Reporting_V1_ReportGrouping { get set }
    var currency: String { get set }
}

extension Souk_Reporting_V1_SalesReportRequest: ReportRequestFields {}
extension Souk_Reporting_V1_OrderFunnelRequest: ReportRequestFields {}
extension Souk_Reporting_V1_TopProductsRequest: ReportRequestFields {}
extension Souk_Reporting_V1_CurrencyReportRequest: ReportRequestFields {}
