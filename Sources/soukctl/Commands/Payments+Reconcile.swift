import ArgumentParser
import SoukAPI
import SoukCtlKit

extension Payments {
    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the payments of whole UTC days with the providers' and print the differences (staff).",
            discussion: """
                What a provider proves (a capture Souk missed) is repaired at once and says so; the rest is for a \
                person to look at. The report is kept on the server. At most 92 days at once.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The first day (YYYY-MM-DD, UTC) of payments created.") var from: String
        @Option(help: "The last day (YYYY-MM-DD, UTC), included.") var to: String
        @Option(help: "Only this provider (stripe or yookassa); default: every provider configured.") var provider:
            String?

        func validate() throws {
            try validating { _ = try ReconcilePeriod(from: self.from, to: self.to) }
            if let provider, !["stripe", "yookassa"].contains(provider) {
                throw ValidationError("--provider: stripe or yookassa")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let period = try ReconcilePeriod(from: self.from, to: self.to)
                var request = Souk_Payments_V1_ReconcileRequest()
                request.fromUnixMs = period.fromUnixMs
                request.beforeUnixMs = period.beforeUnixMs
                request.provider = self.provider ?? ""
                let report = try await session.authenticated { api in
                    try await api.payments.reconcile(request, options: api.options)
                }
                if self.global.isJSON { return try Printer.json(report) }
                Printer.fields([
                    ("report", report.id), ("period", "\(self.from) to \(self.to) (UTC, both included)"),
                    ("provider", self.provider ?? "all configured"),
                    ("payments", "\(report.soukCount) in Souk, \(report.providerCount) at the providers"),
                    ("differences", "\(report.discrepancies.count)"),
                ])
                guard !report.discrepancies.isEmpty else { return }
                Printer.line("")
                Printer.table(
                    ["KIND", "PROVIDER", "REFERENCE", "PAYMENT", "SOUK", "AT PROVIDER"],
                    report.discrepancies.map { difference in
                        [
                            difference.kind, difference.provider, difference.providerReference,
                            difference.paymentID, difference.souk, difference.atProvider,
                        ]
                    }
                )
            }
        }
    }
}
