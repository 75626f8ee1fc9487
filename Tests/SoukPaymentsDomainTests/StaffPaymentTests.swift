import AsyncHTTPClient
import Foundation
import GRPCCore
import SoukAPI
import SoukDomain
import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import SoukPayments
import TestSupport
import Testing

@Suite("Staff capture, cancel and refund; the order and its stock follow")
struct StaffPaymentTests {
    @Test(
        "authorize then capture; partial and full refunds, once per key, the last one restocking",
        .timeLimit(.minutes(5))
    )
    func captureAndRefund() async throws {
        try await PaymentsShop.with(manualCapture: true) { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let authorized = try await shop.pay(order, as: ann).payment
            #expect(authorized.status == .authorized)
            #expect(authorized.manualCapture)
            #expect(try await shop.order(order.id).status == .pendingPayment)

            var tooMuch = Souk_Payments_V1_CapturePaymentRequest()
            tooMuch.paymentID = authorized.id
            tooMuch.amountMinorUnits = 2999
            let above = await rpcError { _ = try await shop.payments.capturePayment(tooMuch, metadata: shop.admin) }
            #expect(above?.code == .invalidArgument)
            #expect(above?.message.contains("amount_minor_units") == true)

            var capture = Souk_Payments_V1_CapturePaymentRequest()
            capture.paymentID = String(authorized.id.prefix(8))
            let captured = try await shop.payments.capturePayment(capture, metadata: shop.admin)
            #expect(captured.status == .captured)
            #expect(captured.captured.minorUnits == 2998)
            #expect(try await shop.order(order.id).status == .paid)
            #expect(try await shop.stock() == (3, 0))

            let part = try await shop.refund(captured, amount: 1000, key: "r-1")
            #expect(part.status == .partiallyRefunded)
            #expect(part.refunded.minorUnits == 1000)
            #expect(part.refunds.count == 1 && part.refunds[0].status == "succeeded")
            let replay = try await shop.refund(captured, amount: 1000, key: "r-1")
            #expect(replay.refunds.count == 1 && replay.refunded.minorUnits == 1000)
            #expect(try await shop.order(order.id).status == .paid)

            let aboveLeft = await rpcError { _ = try await shop.refund(captured, amount: 1999, key: "r-2") }
            #expect(aboveLeft?.code == .invalidArgument)
            #expect(aboveLeft?.message.contains("1998") == true)
            let partialRestock = await rpcError {
                _ = try await shop.refund(captured, amount: 500, key: "r-2", restock: true)
            }
            #expect(partialRestock?.code == .invalidArgument)
            #expect(partialRestock?.message.contains("restock") == true)

            let rest = try await shop.refund(captured, amount: 0, key: "r-3", restock: true)
            #expect(rest.status == .refunded)
            #expect(rest.refunded.minorUnits == 2998)
            #expect(try await shop.order(order.id).status == .refunded)
            #expect(try await shop.stock() == (5, 0))

            let nothingLeft = await rpcError { _ = try await shop.refund(captured, amount: 0, key: "r-4") }
            #expect(nothingLeft?.code == .failedPrecondition)
            var cancel = Souk_Payments_V1_CancelPaymentRequest()
            cancel.paymentID = captured.id
            cancel.reason = "changed mind"
            let cancelCaptured = await rpcError {
                _ = try await shop.payments.cancelPayment(cancel, metadata: shop.admin)
            }
            #expect(cancelCaptured?.code == .failedPrecondition)
            #expect(cancelCaptured?.message.contains("refund") == true)
        }
    }

    @Test(
        "cancelling an authorized payment releases it at the provider; the order still waits",
        .timeLimit(.minutes(5))
    )
    func cancel() async throws {
        try await PaymentsShop.with(manualCapture: true) { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let authorized = try await shop.pay(order, as: ann).payment
            var cancel = Souk_Payments_V1_CancelPaymentRequest()
            cancel.paymentID = authorized.id
            let noReason = await rpcError { _ = try await shop.payments.cancelPayment(cancel, metadata: shop.admin) }
            #expect(noReason?.code == .invalidArgument)
            #expect(noReason?.message.contains("reason") == true)
            cancel.reason = "suspected fraud"
            let cancelled = try await shop.payments.cancelPayment(cancel, metadata: shop.admin)
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.failureReason == "suspected fraud")
            #expect(shop.stripe.paymentIntent(authorized.providerReference)?.status.rawValue == "canceled")
            #expect(try await shop.order(order.id).status == .pendingPayment)
        }
    }

    @Test(
        "a payment completing after the order's stock hold ran out is given back, and the order cancelled",
        .timeLimit(.minutes(5))
    )
    func holdExpired() async throws {
        try await PaymentsShop.with { shop in
            let (_, order) = try await shop.customerWithOrder("ann@souk.example")
            shop.wallClock.advance(by: .seconds(2 * 3600))
            // Two hours on, everyone signs in again.
            let ann = try await shop.signIn("ann@souk.example")
            let staff = try await shop.signIn("root@souk.example", password: "admin password 2026!")
            let paid = try await shop.pay(order, as: ann).payment
            var get = Souk_Payments_V1_GetPaymentRequest()
            get.paymentID = paid.id
            let after = try await shop.payments.getPayment(get, metadata: staff)
            #expect(after.status == .refunded)
            #expect(after.refunded.minorUnits == 2998)
            #expect(after.refunds.first?.reason.contains("could not be paid") == true)
            var read = Souk_Catalog_V1_GetOrderRequest()
            read.orderID = order.id
            #expect(try await shop.orders.getOrder(read, metadata: staff).status == .cancelled)
            var stock = Souk_Catalog_V1_GetStockRequest()
            stock.sku = "MUG-350"
            #expect(try await shop.catalog.getStock(stock, metadata: staff).levels.map(\.reserved) == [0])
        }
    }

    @Test(
        "an attempt the customer never finishes expires with the hold: cancelled at Stripe, the order cancelled",
        .timeLimit(.minutes(5))
    )
    func abandoned() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let started = try await shop.pay(order, as: ann, method: "pm_card_threeDSecure2Required").payment
            #expect(started.status == .requiresAction)
            shop.wallClock.advance(by: .seconds(3601))
            let staff = try await shop.signIn("root@souk.example", password: "admin password 2026!")
            var get = Souk_Payments_V1_GetPaymentRequest()
            get.paymentID = started.id
            var payment = try await shop.payments.getPayment(get, metadata: staff)
            // The sweeper runs every 100 ms here: wait for it, with a generous bound.
            for _ in 0..<300 where payment.status != .expired {
                try await Task.sleep(for: .milliseconds(100))
                payment = try await shop.payments.getPayment(get, metadata: staff)
            }
            #expect(payment.status == .expired)
            #expect(payment.history.last?.actor == "payments")
            #expect(shop.stripe.paymentIntent(started.providerReference)?.status.rawValue == "canceled")
            var read = Souk_Catalog_V1_GetOrderRequest()
            read.orderID = order.id
            var placed = try await shop.orders.getOrder(read, metadata: staff)
            for _ in 0..<300 where placed.status != .cancelled {
                try await Task.sleep(for: .milliseconds(100))
                placed = try await shop.orders.getOrder(read, metadata: staff)
            }
            #expect(placed.status == .cancelled)
            #expect(placed.history.last?.note.contains("expired") == true)
        }
    }

    @Test("payment events reach consumers in commit order", .timeLimit(.minutes(5)))
    func events() async throws {
        try await PaymentsShop.with { shop in
            let (ann, order) = try await shop.customerWithOrder("ann@souk.example")
            let paid = try await shop.pay(order, as: ann).payment
            var request = Souk_Payments_V1_StreamEventsRequest()
            request.afterPosition = 0
            let events = try await shop.payments.streamEvents(request, metadata: shop.admin) { response in
                var events: [Souk_Payments_V1_PaymentEvent] = []
                for try await event in response.messages { events.append(event) }
                return events
            }
            #expect(events.first?.type == "payment.created")
            #expect(events.contains { $0.type == "payment.status_changed" && $0.payment.status == .captured })
            #expect(events.allSatisfy { $0.aggregateID == paid.id })
            #expect(events.map(\.position) == events.map(\.position).sorted())
            let customerDenied = await rpcError {
                try await shop.payments.streamEvents(request, metadata: ann) { response in
                    for try await _ in response.messages {}
                }
            }
            #expect(customerDenied?.code == .permissionDenied)
        }
    }
}
