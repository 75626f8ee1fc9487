import SoukPayments
import Testing

@Suite("The payment state machine")
struct PaymentStateTests {
    @Test("a payment goes created → requires_action → authorized → captured → partially refunded → refunded")
    func forward() throws {
        var state = PaymentState(amount: 149_900)
        #expect(state.status == .created)
        #expect(try state.apply(.actionRequired) == .moved)
        #expect(try state.apply(.authorized) == .moved)
        #expect(try state.apply(.captured(amount: 149_900)) == .moved)
        #expect(state.status == .captured && state.captured == 149_900 && state.refundable == 149_900)
        #expect(try state.apply(.refunded(total: 49_900)) == .moved)
        #expect(state.status == .partiallyRefunded && state.refundable == 100_000)
        #expect(try state.apply(.refunded(total: 149_900)) == .moved)
        #expect(state.status == .refunded && state.refundable == 0)
    }

    @Test("a repeated or late fact changes nothing: webhooks come at least once and in any order")
    func staleFacts() throws {
        var state = PaymentState(amount: 1_000)
        try state.apply(.captured(amount: 1_000))
        let captured = state
        for fact: PaymentFact in [.actionRequired, .authorized, .captured(amount: 1_000), .failed, .expired] {
            #expect(try state.apply(fact) == .stale, "\(fact)")
            #expect(state == captured, "\(fact)")
        }
        try state.apply(.refunded(total: 600))
        #expect(try state.apply(.refunded(total: 300)) == .stale, "an older refund total")
        #expect(try state.apply(.refunded(total: 600)) == .stale, "the same refund again")
        #expect(state.refunded == 600 && state.status == .partiallyRefunded)
    }

    @Test(
        "whatever order the webhooks arrive in, the payment ends captured",
        arguments: [
            [PaymentFact.actionRequired, .authorized, .captured(amount: 700)],
            [.captured(amount: 700), .authorized, .actionRequired],
            [.authorized, .captured(amount: 700), .actionRequired],
            [.actionRequired, .captured(amount: 700), .authorized],
        ]
    )
    func anyOrder(facts: [PaymentFact]) throws {
        var state = PaymentState(amount: 700)
        for fact in facts { try state.apply(fact) }
        #expect(state == PaymentState(status: .captured, amount: 700, captured: 700, refunded: 0))
    }

    @Test("failed, cancelled and expired end an attempt; only a capture the provider made gets past them")
    func endings() throws {
        for (fact, status) in [
            (PaymentFact.failed, PaymentStatus.failed), (.cancelled, .cancelled), (.expired, .expired),
        ] {
            var state = PaymentState(amount: 500)
            try state.apply(.authorized)
            #expect(try state.apply(fact) == .moved)
            #expect(state.status == status)
            #expect(try state.apply(.authorized) == .stale)
            #expect(try state.apply(.failed) == .stale)
            // A cancel at the provider that raced a capture: the money was taken and must go back.
            #expect(try state.apply(.captured(amount: 500)) == .capturedAfterEnd)
            #expect(state.status == .captured && state.refundable == 500)
        }
    }

    @Test("facts that cannot be true are refused, naming why, and change nothing")
    func refused() throws {
        var state = PaymentState(amount: 1_000)
        let refundFirst = #expect(throws: PaymentTransitionError.self) { try state.apply(.refunded(total: 1)) }
        #expect(refundFirst?.message.contains("nothing was captured") == true)
        let overCapture = #expect(throws: PaymentTransitionError.self) { try state.apply(.captured(amount: 1_001)) }
        #expect(overCapture?.message.contains("1…1000") == true)
        #expect(throws: PaymentTransitionError.self) { try state.apply(.captured(amount: 0)) }
        #expect(state == PaymentState(amount: 1_000))

        try state.apply(.captured(amount: 800))
        let overRefund = #expect(throws: PaymentTransitionError.self) { try state.apply(.refunded(total: 801)) }
        #expect(overRefund?.message.contains("above the 800 captured") == true)
        let cancel = #expect(throws: PaymentTransitionError.self) { try state.apply(.cancelled) }
        #expect(cancel?.message.contains("refund") == true)
        #expect(state == PaymentState(status: .captured, amount: 1_000, captured: 800, refunded: 0))
    }

    @Test("statuses are spelled as on the wire")
    func spelling() {
        #expect(
            PaymentStatus.allCases.map(\.description) == [
                "created", "requires_action", "authorized", "captured", "partially_refunded", "refunded", "failed",
                "cancelled", "expired",
            ]
        )
    }
}
