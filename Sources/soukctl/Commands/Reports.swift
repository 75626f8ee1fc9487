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
        subcommands: [Sales.self, OrderFunnel.self, TopProducts.self]
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

        var grouping: Souk_Reporting_V1_ReportGrouping {
            (try? ReportSheet.grouping(self.by)) ?? .unspecified
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
                var request = Souk_Reporting_V1_SalesReportRequest()
                request.from = self.range.from
                request.to = self.range.to
                request.timeZone = self.range.tz
                request.grouping = self.range.grouping
                request.currency = self.range.currency ?? ""
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
                var request = Souk_Reporting_V1_OrderFunnelRequest()
                request.from = self.range.from
                request.to = self.range.to
                request.timeZone = self.range.tz
                request.grouping = self.range.grouping
                request.currency = self.range.currency ?? ""
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
                var request = Souk_Reporting_V1_TopProductsRequest()
                request.from = self.range.from
                request.to = self.range.to
                request.timeZone = self.range.tz
                request.grouping = self.range.grouping
                request.currency = self.range.currency ?? ""
                request.limit = self.limit
                let report = try await session.authenticated { api in
                    try await api.reporting.topProducts(request, options: api.options)
                }
                try Reports.print(ReportSheet.products(report), report, range: self.range, global: self.global)
            }
        }
    }
}
