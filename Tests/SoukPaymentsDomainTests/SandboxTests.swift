import Foundation
import GRPCCore
import SoukAPI
import SoukDomain
import SoukHost
import SoukIdentity
import SoukPayments
import TestSupport
import Testing

@Suite("The sandbox: with no provider keys the host starts the local providers, and their webhooks pay the order")
struct SandboxTests {
    @Test(
        "3-D Secure through the sandbox's Stripe: the confirmation page's webhook captures and pays, no re-read",
        .timeLimit(.minutes(5))
    )
    func sandboxWebhookPays() async throws {
        let sandbox: @Sendable (inout HostConfig) -> Void = { $0.paymentsSandbox = true }
        try await IdentityHarness.with(configure: sandbox) { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            try await PaymentsShop.stockMug(harness.catalog, admin: admin)
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@souk.example").accessToken)
            var line = Souk_Catalog_V1_SetCartLineRequest()
            line.sku = "MUG-350"
            line.quantity = 1
            _ = try await harness.catalog.setCartLine(line, metadata: customer)
            var place = Souk_Catalog_V1_PlaceOrderRequest()
            place.idempotencyKey = "o-1"
            place.currency = "USD"
            let payments = harness.client(PaymentsClient())
            let order = try await harness.orders.placeOrder(place, metadata: customer)
            var pay = Souk_Payments_V1_CreatePaymentRequest()
            pay.orderID = order.id
            pay.idempotencyKey = "p-1"
            pay.paymentMethod = "pm_card_threeDSecure2Required"
            let started = try await payments.createPayment(pay, metadata: customer)
            #expect(started.payment.provider == "stripe")
            #expect(started.payment.status == .requiresAction)
            #expect(started.confirmationURL.hasPrefix("http://127.0.0.1:"))
            try await LocalHTTP.get(started.confirmationURL)

            var get = Souk_Payments_V1_GetPaymentRequest()
            get.paymentID = started.payment.id
            var payment = try await payments.getPayment(get, metadata: customer)
            // The webhook is delivered after the page answers: wait for it, with a generous bound.
            for _ in 0..<300 where payment.status != .captured {
                try await Task.sleep(for: .milliseconds(100))
                payment = try await payments.getPayment(get, metadata: customer)
            }
            #expect(payment.status == .captured)
            #expect(payment.history.last?.providerEventID.hasPrefix("evt_") == true)
            // The order follows the recorded capture in the same webhook's handling, just after it.
            var read = Souk_Catalog_V1_GetOrderRequest()
            read.orderID = order.id
            var placed = try await harness.orders.getOrder(read, metadata: customer)
            for _ in 0..<300 where placed.status != .paid {
                try await Task.sleep(for: .milliseconds(100))
                placed = try await harness.orders.getOrder(read, metadata: customer)
            }
            #expect(placed.status == .paid)
        }
    }
}
