import ArgumentParser
import Foundation
import SoukAPI
import SoukCtlKit

/// `soukctl payments list|show|capture|cancel|refund|reconcile`: payments of orders, and the staff's actions on
/// them.
struct Payments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "List and show payments (an order's, or all for staff); capture, cancel, refund and reconcile (staff).",
        subcommands: [List.self, Show.self, Capture.self, Cancel.self, Refund.self, Reconcile.self]
    )

    /// The columns of a payment row.
    static let header = [
        "ID", "ORDER", "STATUS", "AMOUNT", "CAPTURED", "REFUNDED", "PROVIDER", "REFERENCE", "CREATED (UTC)",
    ]

    static func row(_ payment: Souk_Payments_V1_Payment) -> [String] {
        [
            payment.id, payment.orderID, PaymentStatusName.name(payment.status), MoneyText.format(payment.amount),
            Self.amount(payment.captured), Self.amount(payment.refunded), payment.provider,
            payment.providerReference, DayParsing.format(unixMs: payment.createdAtUnixMs),
        ]
    }

    /// An amount that may be nothing yet: empty rather than `0.00 USD`, so the columns show what moved.
    static func amount(_ money: Souk_Catalog_V1_Money) -> String {
        money.minorUnits == 0 ? "" : MoneyText.format(money)
    }

    static func printList(_ payments: [Souk_Payments_V1_Payment], global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(payments) }
        Printer.table(Self.header, payments.map(Self.row))
    }

    /// One payment with its history and refunds, people by email where the caller may read them; JSON keeps the
    /// ids.
    static func printOne(_ payment: Souk_Payments_V1_Payment, global: GlobalOptions, session: Session) async throws {
        if global.isJSON { return try Printer.json(payment) }
        // Providers and reconciliation act too ("provider:stripe"): only account ids are looked up.
        let ids = [payment.customerAccountID] + payment.history.map(\.actor) + payment.refunds.map(\.actorAccountID)
        let names = try await AccountNames.lookUp(ids.filter { UUID(uuidString: $0) != nil }, session: session)
        var fields = [
            ("payment", payment.id), ("order", payment.orderID), ("customer", names.name(payment.customerAccountID)),
            ("status", PaymentStatusName.name(payment.status)), ("amount", MoneyText.format(payment.amount)),
            ("captured", MoneyText.format(payment.captured)), ("refunded", MoneyText.format(payment.refunded)),
            ("provider", payment.provider),
            ("reference", payment.providerReference.isEmpty ? "(not at the provider yet)" : payment.providerReference),
            ("capture", payment.manualCapture ? "by staff" : "at once"),
        ]
        if !payment.failureReason.isEmpty { fields.append(("reason", payment.failureReason)) }
        fields += [
            ("created", DayParsing.format(unixMs: payment.createdAtUnixMs) + " UTC"),
            ("updated", DayParsing.format(unixMs: payment.updatedAtUnixMs) + " UTC"),
        ]
        Printer.fields(fields)
        Printer.line("")
        Printer.table(
            ["WHEN (UTC)", "FROM", "TO", "BY", "EVENT", "NOTE"],
            payment.history.map { change in
                [
                    DayParsing.format(unixMs: change.atUnixMs),
                    change.from == .unspecified ? "" : PaymentStatusName.name(change.from),
                    PaymentStatusName.name(change.to), names.name(change.actor), change.providerEventID, change.note,
                ]
            }
        )
        guard !payment.refunds.isEmpty else { return }
        Printer.line("")
        Printer.table(
            ["REFUND", "AMOUNT", "STATUS", "RESTOCKED", "BY", "WHEN (UTC)", "REFERENCE", "REASON"],
            payment.refunds.map { refund in
                [
                    refund.id, MoneyText.format(refund.amount), refund.status, refund.restocked ? "yes" : "no",
                    names.name(refund.actorAccountID), DayParsing.format(unixMs: refund.createdAtUnixMs),
                    refund.providerReference, refund.reason,
                ]
            }
        )
    }

    /// The payment `id` names (its id or the start of it), as the caller may see it.
    static func fetch(_ id: String, session: Session) async throws -> Souk_Payments_V1_Payment {
        var request = Souk_Payments_V1_GetPaymentRequest()
        request.paymentID = id
        return try await session.authenticated { api in
            try await api.payments.getPayment(request, options: api.options)
        }
    }

    /// `--amount` in the payment's currency as minor units; 0 (all of it) when not given.
    static func minorUnits(_ amount: String?, of payment: Souk_Payments_V1_Payment) throws -> Int64 {
        guard let amount else { return 0 }
        return try MoneyText.parseAmount(amount, currency: payment.amount.currency, flag: "--amount")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The payments of an order (customers: of their own), or every payment (staff), newest first."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this order's payments: its number (24), its id, or the start of its id.") var order: String?
        @Option(help: "Only this status; repeat for several (authorized, captured, refunded, …).") var status:
            [String] = []
        @Option(help: "At most this many payments (1-1000).") var limit: Int = 50

        func validate() throws {
            guard (1...1000).contains(self.limit) else { throw ValidationError("--limit: 1 to 1000") }
            try validating { for status in self.status { _ = try PaymentStatusName.parse(status) } }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Payments_V1_ListPaymentsRequest()
                request.orderID = self.order ?? ""
                request.statuses = try self.status.map(PaymentStatusName.parse)
                request.pageSize = Int32(min(self.limit, 100))
                let payments = try await session.authenticated { api in
                    var payments: [Souk_Payments_V1_Payment] = []
                    var token = ""
                    repeat {
                        var page = request
                        page.pageToken = token
                        let response = try await api.payments.listPayments(page, options: api.options)
                        payments += response.payments
                        token = response.nextPageToken
                    } while !token.isEmpty && payments.count < self.limit
                    return Array(payments.prefix(self.limit))
                }
                try Payments.printList(payments, global: self.global)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One payment: amounts, history and refunds.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment: its id, or the start of its id as a table shows it.") var id: String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let payment = try await Payments.fetch(self.id, session: session)
                try await Payments.printOne(payment, global: self.global, session: session)
            }
        }
    }
}
