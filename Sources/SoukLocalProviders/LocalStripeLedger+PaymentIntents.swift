import SoukMoney
import SoukPaymentProviders

extension LocalStripeLedger {
    /// Stripe's test payment methods this server knows, and what confirming with each does.
    enum TestCard: String, CaseIterable {
        /// Succeeds: `succeeded`, or `requires_capture` with manual capture.
        case visa = "pm_card_visa"
        /// Declined: 402 `card_error`, `generic_decline`; the intent goes back to `requires_payment_method`.
        case declined = "pm_card_chargeDeclined"
        /// Needs 3-D Secure: `requires_action` with a redirect to `GET /confirm/{id}` on this server.
        case threeDSecure = "pm_card_threeDSecure2Required"
        /// Succeeds like ``visa``, but a refund of it fails after it was created: answered `succeeded`, then
        /// `failed` (`expired_or_canceled_card`), announced by `refund.updated` and `refund.failed`.
        case refundFail = "pm_card_refundFail"
    }

    /// `POST /v1/payment_intents`.
    mutating func createIntent(_ form: StripeForm, now: Int64) throws(Refusal) -> LocalStripeReply {
        guard let amount = try Self.integer(form, "amount") else {
            throw Self.invalid("amount", code: "parameter_missing", "Missing required param: amount.")
        }
        guard let currency = form["currency"] else {
            throw Self.invalid("currency", code: "parameter_missing", "Missing required param: currency.")
        }
        try Self.checkAmount(amount, currency: currency)
        let captureMethod = try Self.oneOf(form, "capture_method", ["automatic", "automatic_async", "manual"])
        let confirm = try Self.oneOf(form, "confirm", ["true", "false"]) == "true"
        let card = try Self.testCard(form)
        if confirm && card == nil {
            throw Self.invalid(
                "payment_method",
                code: "parameter_missing",
                "You must provide a payment_method to confirm this PaymentIntent."
            )
        }
        let id = self.nextID("pi")
        let intent = StripePaymentIntent(
            id: id,
            amount: amount,
            currency: currency,
            status: card == nil ? .requiresPaymentMethod : .requiresConfirmation,
            clientSecret: "\(id)_secret_local",
            captureMethod: captureMethod.map(StripePaymentIntent.CaptureMethod.init(rawValue:)) ?? .automatic,
            metadata: form.map("metadata"),
            created: now
        )
        self.intentOrder.append(id)
        self.paymentMethods[id] = card
        guard confirm, let card else {
            self.intents[id] = intent
            return Self.json(intent)
        }
        return self.confirm(intent, with: card, returnURL: form["return_url"])
    }

    /// `POST /v1/payment_intents/{id}/confirm`: an intent waiting for a payment method or a confirmation, with the
    /// `payment_method` given or the one attached at creation; then as a create with `confirm=true`.
    mutating func confirm(_ id: String, _ form: StripeForm) throws(Refusal) -> LocalStripeReply {
        var intent = try self.intent(id, param: "intent")
        guard intent.status == .requiresPaymentMethod || intent.status == .requiresConfirmation else {
            throw Self.invalid(
                "intent",
                code: "payment_intent_unexpected_state",
                "You cannot confirm this PaymentIntent because it has a status of \(intent.status)."
            )
        }
        guard let card = try Self.testCard(form) ?? self.paymentMethods[id] else {
            throw Self.invalid(
                "payment_method",
                code: "parameter_missing",
                "You cannot confirm this PaymentIntent because it's missing a payment method."
            )
        }
        if let method = try Self.oneOf(form, "capture_method", ["automatic", "automatic_async", "manual"]) {
            intent.captureMethod = .init(rawValue: method)
        }
        self.paymentMethods[id] = card
        return self.confirm(intent, with: card, returnURL: form["return_url"])
    }

    /// Confirms `intent` with `card`: stored, announced, and answered as Stripe answers (a 402 for a decline).
    mutating func confirm(_ intent: StripePaymentIntent, with card: TestCard, returnURL: String?) -> LocalStripeReply {
        var intent = intent
        let id = intent.id
        switch card {
        case .visa, .refundFail:
            Self.authorize(&intent)
            intent.lastPaymentError = nil
        case .declined:
            let decline = StripeErrorObject(
                type: "card_error",
                code: "card_declined",
                message: "Your card was declined.",
                declineCode: "generic_decline",
                paymentIntent: .init(id: id)
            )
            intent.status = .requiresPaymentMethod
            intent.lastPaymentError = decline
            // A declined method is detached: the next confirmation needs another.
            self.paymentMethods[id] = nil
            self.intents[id] = intent
            self.announceOutcome(intent)
            return Self.json(StripeErrorBody(error: decline), status: 402)
        case .threeDSecure:
            intent.status = .requiresAction
            intent.lastPaymentError = nil
            intent.nextAction = .init(
                type: "redirect_to_url",
                redirectToURL: .init(url: "\(self.baseURL)/confirm/\(id)", returnURL: returnURL)
            )
        }
        self.intents[id] = intent
        self.announceOutcome(intent)
        return Self.json(intent)
    }

    /// The `payment_method` parameter as a test card, nil when absent.
    private static func testCard(_ form: StripeForm) throws(Refusal) -> TestCard? {
        guard let method = form["payment_method"] else { return nil }
        guard let known = TestCard(rawValue: method) else {
            throw Refusal(
                reply: Self.error(
                    400,
                    type: "invalid_request_error",
                    code: "resource_missing",
                    message: "No such PaymentMethod: '\(method.prefix(64))'",
                    param: "payment_method"
                )
            )
        }
        return known
    }

    /// `GET /confirm/{id}`: the customer passed 3-D Secure; back to the `return_url` when there was one.
    mutating func finishAction(_ id: String) throws(Refusal) -> LocalStripeReply {
        var intent = try self.intent(id, param: "intent")
        guard intent.status == .requiresAction else {
            return LocalStripeReply(status: 409, body: Array("This payment needs no action (\(intent.status)).".utf8))
        }
        let returnURL = intent.nextAction?.redirectToURL?.returnURL
        Self.authorize(&intent)
        intent.nextAction = nil
        self.intents[id] = intent
        self.announceOutcome(intent)
        guard let returnURL else {
            return LocalStripeReply(status: 200, body: Array("3-D Secure complete.".utf8))
        }
        let separator = returnURL.contains("?") ? "&" : "?"
        return LocalStripeReply(status: 302, body: [], location: "\(returnURL)\(separator)payment_intent=\(id)")
    }

    /// `POST /v1/payment_intents/{id}/capture`: all that is capturable, or `amount_to_capture`.
    mutating func capture(_ id: String, _ form: StripeForm) throws(Refusal) -> LocalStripeReply {
        var intent = try self.intent(id, param: "intent")
        guard intent.status == .requiresCapture else {
            throw Self.invalid(
                "intent",
                code: "payment_intent_unexpected_state",
                "This PaymentIntent could not be captured because it has a status of \(intent.status). Only a "
                    + "PaymentIntent with one of the following statuses may be captured: requires_capture."
            )
        }
        let amount = try Self.integer(form, "amount_to_capture") ?? intent.amountCapturable
        guard amount >= 1, amount <= intent.amountCapturable else {
            throw Self.invalid(
                "amount_to_capture",
                code: "amount_too_large",
                "The amount to capture (\(amount)) must be positive and at most the capturable amount "
                    + "(\(intent.amountCapturable))."
            )
        }
        intent.amountReceived = amount
        intent.amountCapturable = 0
        intent.status = .succeeded
        self.intents[id] = intent
        self.announceOutcome(intent)
        return Self.json(intent)
    }

    /// `POST /v1/payment_intents/{id}/cancel`.
    mutating func cancel(_ id: String, _ form: StripeForm) throws(Refusal) -> LocalStripeReply {
        var intent = try self.intent(id, param: "intent")
        let cancellable: [StripePaymentIntent.Status] = [
            .requiresPaymentMethod, .requiresConfirmation, .requiresAction, .requiresCapture, .processing,
        ]
        guard cancellable.contains(intent.status) else {
            throw Self.invalid(
                "intent",
                code: "payment_intent_unexpected_state",
                "You cannot cancel this PaymentIntent because it has a status of \(intent.status)."
            )
        }
        let reasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"]
        intent.cancellationReason = try Self.oneOf(form, "cancellation_reason", reasons)
        intent.status = .canceled
        intent.amountCapturable = 0
        intent.nextAction = nil
        self.intents[id] = intent
        self.announceOutcome(intent)
        return Self.json(intent)
    }

    /// `GET /v1/payment_intents`: newest first, `created[gte]`/`created[lte]`, `limit` (1–100, default 10),
    /// `starting_after`.
    func listIntents(_ query: StripeForm) throws(Refusal) -> LocalStripeReply {
        let from = try Self.integer(query, "created[gte]") ?? .min
        let to = try Self.integer(query, "created[lte]") ?? .max
        let limit = try Self.integer(query, "limit") ?? 10
        guard (1...100).contains(limit) else {
            throw Self.invalid("limit", code: "parameter_invalid_integer", "limit must be between 1 and 100.")
        }
        var matching = self.intentOrder.reversed().compactMap { self.intents[$0] }
            .filter { (from...to).contains($0.created) }
        if let after = query["starting_after"] {
            guard let index = matching.firstIndex(where: { $0.id == after }) else {
                throw Self.invalid("starting_after", code: "resource_missing", "No such payment_intent: '\(after)'")
            }
            matching = Array(matching[(index + 1)...])
        }
        let page = Array(matching.prefix(Int(limit)))
        return Self.json(StripeList(data: page, hasMore: matching.count > page.count, url: "/v1/payment_intents"))
    }

    /// A successful card: the money is taken now, or held for a manual capture.
    private static func authorize(_ intent: inout StripePaymentIntent) {
        if intent.captureMethod == .manual {
            intent.status = .requiresCapture
            intent.amountCapturable = intent.amount
        } else {
            intent.status = .succeeded
            intent.amountReceived = intent.amount
        }
    }

    /// Refuses what Stripe refuses: an unknown currency, an amount not positive, above eight digits, or not
    /// chargeable in a three-decimal currency.
    private static func checkAmount(_ amount: Int64, currency: String) throws(Refusal) {
        let money: Money
        do {
            money = try StripeAmount.money(amount: amount, currency: currency)
        } catch {
            throw Self.invalid("currency", code: "parameter_invalid_string", "Invalid currency: \(currency.prefix(8)).")
        }
        guard currency == currency.lowercased() else {
            throw Self.invalid("currency", code: "parameter_invalid_string", "Invalid currency: \(currency.prefix(8)).")
        }
        do {
            _ = try StripeAmount(money)
        } catch {
            let code =
                switch error {
                case .notPositive: "amount_too_small"
                case .aboveLimit: "amount_too_large"
                default: "parameter_invalid_integer"
                }
            throw Self.invalid("amount", code: code, "Invalid amount: \(error)")
        }
    }
}
