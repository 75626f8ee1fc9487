import ArgumentParser
import Foundation
import SoukAPI
import SoukCtlKit

extension Payments {
    struct Capture: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take the money of an authorized payment: all of it, or --amount of it (staff)."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment: its id, or the start of its id as a table shows it.") var id: String
        @Option(help: "Capture only this much, in the payment's currency (e.g. 12.34); the rest is released.")
        var amount: String?

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Payments_V1_CapturePaymentRequest()
                request.paymentID = self.id
                if self.amount != nil {
                    // The amount is typed in the payment's currency, so its exponent comes from the payment.
                    let payment = try await Payments.fetch(self.id, session: session)
                    request.paymentID = payment.id
                    request.amountMinorUnits = try Payments.minorUnits(self.amount, of: payment)
                }
                let payment = try await session.authenticated { api in
                    try await api.payments.capturePayment(request, options: api.options)
                }
                try await Payments.printOne(payment, global: self.global, session: session)
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Cancel a payment before its money is taken (the hold is released); refund a captured one (staff)."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment: its id, or the start of its id as a table shows it.") var id: String
        @Option(help: "Why, kept in the payment's history (required).") var reason: String

        func validate() throws {
            guard !self.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason: say why the payment is cancelled")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Payments_V1_CancelPaymentRequest()
                request.paymentID = self.id
                request.reason = self.reason
                let payment = try await session.authenticated { api in
                    try await api.payments.cancelPayment(request, options: api.options)
                }
                try await Payments.printOne(payment, global: self.global, session: session)
            }
        }
    }

    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give back captured money: all that is left, or --amount of it (staff).",
            discussion: """
                Without --key a new idempotency key is made and printed on standard error before the call: if the \
                call fails without an answer (a timeout, a lost connection), run the command again with --key and \
                that key, and the refund is made at most once.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment: its id, or the start of its id as a table shows it.") var id: String
        @Option(help: "Refund only this much, in the payment's currency (e.g. 12.34); default: all that is left.")
        var amount: String?
        @Option(help: "Why, kept with the refund (required).") var reason: String
        @Flag(help: "Return the order's units to stock (only with a refund of everything left).") var restock = false
        @Option(help: "Idempotency key: retrying with the same key refunds once (default: a new UUID, printed).")
        var key: String?

        func validate() throws {
            guard !self.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason: say why the money is given back")
            }
            if let key, !(1...128).contains(key.count) { throw ValidationError("--key: 1 to 128 characters") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Payments_V1_RefundPaymentRequest()
                request.paymentID = self.id
                request.reason = self.reason
                request.restock = self.restock
                if self.amount != nil {
                    let payment = try await Payments.fetch(self.id, session: session)
                    request.paymentID = payment.id
                    request.amountMinorUnits = try Payments.minorUnits(self.amount, of: payment)
                }
                request.idempotencyKey = IdempotencyKey.announce(self.key, for: "refund")
                let payment = try await session.authenticated { api in
                    try await api.payments.refundPayment(request, options: api.options)
                }
                try await Payments.printOne(payment, global: self.global, session: session)
            }
        }
    }
}
