import SoukPaymentProviders

extension LocalStripeLedger {
    /// `POST /v1/refunds`: `amount` (default: all not yet refunded) of a captured PaymentIntent.
    mutating func createRefund(_ form: StripeForm) throws(Refusal) -> LocalStripeReply {
        guard let id = form["payment_intent"] else {
            throw Self.invalid("payment_intent", code: "parameter_missing", "Missing required param: payment_intent.")
        }
        let intent = try self.intent(id, param: "payment_intent")
        guard intent.amountReceived > 0 else {
            throw Self.invalid(
                "payment_intent",
                code: "charge_not_captured",
                "This PaymentIntent (\(id)) does not have a successful charge to refund."
            )
        }
        let remaining = intent.amountReceived - self.refunded[id, default: 0]
        guard remaining > 0 else {
            throw Self.invalid("amount", code: "charge_already_refunded", "Charge for \(id) has already been refunded.")
        }
        let amount = try Self.integer(form, "amount") ?? remaining
        guard amount >= 1 else {
            throw Self.invalid("amount", code: "parameter_invalid_integer", "Refund amount must be positive.")
        }
        guard amount <= remaining else {
            throw Self.invalid(
                "amount",
                code: "amount_too_large",
                "Refund amount (\(amount)) is greater than unrefunded amount on charge (\(remaining))"
            )
        }
        let reason = try Self.oneOf(form, "reason", ["duplicate", "fraudulent", "requested_by_customer"])
        let metadata = form.map("metadata")
        let refund = StripeRefund(
            id: self.nextID("re"),
            amount: amount,
            currency: intent.currency,
            status: "succeeded",
            paymentIntent: id,
            reason: reason,
            metadata: metadata
        )
        self.refunds[refund.id] = refund
        self.refundOrder.append(refund.id)
        self.refunded[id, default: 0] += amount
        self.announce("created", refund)
        if self.paymentMethods[id] == .refundFail {
            // The card is gone: the refund fails after it was answered, and the money can be refunded again.
            var failed = refund
            failed.status = "failed"
            failed.failureReason = "expired_or_canceled_card"
            self.refunds[refund.id] = failed
            self.refunded[id, default: 0] -= amount
            self.announce("updated", failed)
            self.announce("failed", failed)
        }
        return Self.json(refund)
    }

    /// `GET /v1/refunds/{id}`.
    func retrieveRefund(_ id: String) throws(Refusal) -> LocalStripeReply {
        guard let refund = self.refunds[id] else {
            throw Refusal(
                reply: Self.error(
                    404,
                    type: "invalid_request_error",
                    code: "resource_missing",
                    message: "No such refund: '\(id.prefix(64))'",
                    param: "id"
                )
            )
        }
        return Self.json(refund)
    }

    /// `GET /v1/refunds`: newest first, those of `payment_intent` when given, `limit` (1–100, default 10),
    /// `starting_after`.
    func listRefunds(_ query: StripeForm) throws(Refusal) -> LocalStripeReply {
        let limit = try Self.integer(query, "limit") ?? 10
        guard (1...100).contains(limit) else {
            throw Self.invalid("limit", code: "parameter_invalid_integer", "limit must be between 1 and 100.")
        }
        var matching = self.refundOrder.reversed().compactMap { self.refunds[$0] }
        if let intent = query["payment_intent"] {
            _ = try self.intent(intent, param: "payment_intent")
            matching = matching.filter { $0.paymentIntent == intent }
        }
        if let after = query["starting_after"] {
            guard let index = matching.firstIndex(where: { $0.id == after }) else {
                throw Self.invalid("starting_after", code: "resource_missing", "No such refund: '\(after.prefix(64))'")
            }
            matching = Array(matching[(index + 1)...])
        }
        let page = Array(matching.prefix(Int(limit)))
        return Self.json(StripeList(data: page, hasMore: matching.count > page.count, url: "/v1/refunds"))
    }
}
