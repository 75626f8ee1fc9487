import ArgumentParser
import SoukAPI
import SoukCtlKit

extension Orders {
    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pay one of your orders that awaits payment, through the shop's provider for its currency.",
            discussion: """
                The amount and currency are the order's. With --payment-method (Stripe: a PaymentMethod id, \
                pm_card_visa in test mode) the payment is confirmed at once; when the bank wants the customer to \
                confirm (3-D Secure, YooKassa's page), the link to open is printed. Without --key a new idempotency \
                key is made and printed on standard error before the call: if the call fails without an answer, run \
                the command again with --key and that key, and the order is charged at most once.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The order: its number (24), its id, or the start of its id as a table shows it.") var id:
            String
        @Option(
            name: .customLong("return-url"),
            help: "Where the provider sends you back after confirming (http or https)."
        )
        var returnURL: String?
        @Option(help: "Stripe only: the payment method to confirm with at once (pm_…).") var paymentMethod: String?
        @Option(help: "Idempotency key: retrying with the same key never charges twice (default: a new UUID, printed).")
        var key: String?

        func validate() throws {
            if let key, !(1...128).contains(key.count) { throw ValidationError("--key: 1 to 128 characters") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Payments_V1_CreatePaymentRequest()
                request.orderID = self.id
                request.returnURL = self.returnURL ?? ""
                request.paymentMethod = self.paymentMethod ?? ""
                request.idempotencyKey = IdempotencyKey.announce(self.key, for: "payment")
                let response = try await session.authenticated { api in
                    try await api.payments.createPayment(request, options: api.options)
                }
                try Self.print(response, global: self.global)
                let payment = response.payment
                guard payment.status != .failed else {
                    throw CtlError(
                        .refused,
                        "payment \(payment.id) failed"
                            + (payment.failureReason.isEmpty ? "" : ": \(payment.failureReason)"),
                        hint: "pay again with another payment method and a new key"
                    )
                }
            }
        }

        /// The payment's state and, when the customer has something to do, where to do it.
        static func print(_ response: Souk_Payments_V1_CreatePaymentResponse, global: GlobalOptions) throws {
            if global.isJSON { return try Printer.json(response) }
            let payment = response.payment
            var fields = [
                ("payment", payment.id), ("order", payment.orderID),
                ("status", PaymentStatusName.name(payment.status)), ("amount", MoneyText.format(payment.amount)),
                ("provider", payment.provider),
            ]
            if !payment.providerReference.isEmpty { fields.append(("reference", payment.providerReference)) }
            if !response.confirmationURL.isEmpty { fields.append(("confirm at", response.confirmationURL)) }
            Printer.fields(fields)
            if !response.confirmationURL.isEmpty {
                Printer.note(
                    "open the link above to confirm the payment; `soukctl payments show \(payment.id)` follows it"
                )
            } else if payment.status == .created, !response.clientSecret.isEmpty {
                // The client secret is for Stripe.js in the shop's page; it is not printed in a table.
                Printer.note(
                    "the payment waits for a payment method: confirm it in the shop, or pay with --payment-method"
                )
            }
        }
    }
}
