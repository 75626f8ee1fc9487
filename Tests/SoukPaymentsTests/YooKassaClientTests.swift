import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukLocalProviders
import SoukMoney
import SoukPaymentProviders
import Testing

@Suite("The YooKassa client against the local YooKassa server")
struct YooKassaClientTests {
    static let returnURL = "https://shop.example/return/A-3001"

    static func create(
        _ yookassa: LocalYooKassaFixture,
        _ amount: String = "1499.00",
        capture: Bool = false,
        key: String
    ) async throws -> YooKassaPayment {
        try await yookassa.client.createPayment(
            amount: try LocalYooKassaFixture.amount(amount),
            capture: capture,
            returnURL: Self.returnURL,
            description: "Order A-3001",
            metadata: ["order_id": "A-3001", "attempt": "1"],
            idempotencyKey: key
        )
    }

    /// Opens `url` as a browser would, without following the redirect.
    static func open(_ url: String) async throws -> HTTPClientResponse {
        let browser = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        do {
            let page = try await browser.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
            try await browser.shutdown()
            return page
        } catch {
            try await browser.shutdown()
            throw error
        }
    }

    @Test("two stages: created pending, paid to waiting_for_capture, part captured, refunded in part then in full")
    func twoStageFlow() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, key: "pay:A-3001:1")
            #expect(created.status == .pending && !created.paid && created.test)
            #expect(created.amount.value == "1499.00" && created.amount.currency == "RUB")
            #expect(created.confirmationURL == "\(yookassa.server.baseURL)/confirm/\(created.id)")
            #expect(created.confirmation?.returnURL == Self.returnURL && created.confirmation?.type == "redirect")
            #expect(created.metadata == ["order_id": "A-3001", "attempt": "1"])
            #expect(created.description == "Order A-3001" && created.createdAt == LocalYooKassaFixture.time(0))
            #expect(created.refundedAmount == nil && created.cancellationDetails == nil && created.capturedAt == nil)

            let paid = try yookassa.server.confirm(created.id)
            #expect(paid.status == .waitingForCapture && paid.paid)
            #expect(try await yookassa.client.getPayment(created.id) == paid)

            let captured = try await yookassa.client.capturePayment(
                created.id,
                amount: try LocalYooKassaFixture.amount("1000.00"),
                idempotencyKey: "capture:A-3001:1"
            )
            #expect(captured.status == .succeeded && captured.paid)
            #expect(captured.amount.value == "1000.00" && captured.capturedAt != nil)

            let part = try await yookassa.client.createRefund(
                paymentID: created.id,
                amount: try LocalYooKassaFixture.amount("300.50"),
                description: "One item returned",
                idempotencyKey: "refund:A-3001:1"
            )
            #expect(part.status == .succeeded && part.paymentID == created.id)
            #expect(part.amount.value == "300.50" && part.amount.currency == "RUB")
            #expect(part.description == "One item returned")
            #expect(try await yookassa.client.getRefund(part.id) == part)
            #expect(try await yookassa.client.getPayment(created.id).refundedAmount?.value == "300.50")

            let rest = try await yookassa.client.createRefund(
                paymentID: created.id,
                amount: try LocalYooKassaFixture.amount("699.50"),
                idempotencyKey: "refund:A-3001:2"
            )
            #expect(rest.amount.value == "699.50" && rest.id != part.id)
            let refunded = try await yookassa.client.getPayment(created.id)
            #expect(refunded.refundedAmount?.value == "1000.00" && refunded.status == .succeeded)
            #expect(yookassa.server.refundCount == 2)
        }
    }

    @Test("one stage: the confirmation page takes the money and sends the buyer back (303) to the return URL")
    func oneStageThroughThePage() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, "250.00", capture: true, key: "pay:A-3002:1")
            let url = try #require(created.confirmationURL)
            let page = try await Self.open(url)
            #expect(page.status.code == 303 && page.headers.first(name: "Location") == Self.returnURL)
            let paid = try await yookassa.client.getPayment(created.id)
            #expect(paid.status == .succeeded && paid.paid && paid.amount.value == "250.00")
            #expect(paid.capturedAt != nil)

            let again = try await Self.open(url)
            #expect(again.status.code == 409, "a payment is paid once")
            let capture = await #expect(throws: ProviderError.self) {
                try await yookassa.client.capturePayment(created.id, idempotencyKey: "capture:A-3002:1")
            }
            #expect(capture?.code == .invalid && capture?.httpStatus == 400)
            #expect(capture?.message.contains("waiting_for_capture") == true)
        }
    }

    @Test("a decline on the page: canceled by the payment network, with the reason, and sent back")
    func declineThroughThePage() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, key: "pay:A-3003:1")
            let page = try await Self.open(try #require(created.confirmationURL) + "?decline=insufficient_funds")
            #expect(page.status.code == 303 && page.headers.first(name: "Location") == Self.returnURL)
            let declined = try await yookassa.client.getPayment(created.id)
            #expect(declined.status == .canceled && !declined.paid)
            #expect(declined.cancellationDetails == .init(party: "payment_network", reason: "insufficient_funds"))
        }
    }

    @Test("a decline from Swift: the same as the page; an undocumented reason or a second confirm is refused")
    func declineFromSwift() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, key: "pay:A-3004:1")
            let odd = #expect(throws: ProviderError.self) {
                try yookassa.server.confirm(created.id, decline: "bad_luck")
            }
            #expect(odd?.code == .invalid && yookassa.server.payment(created.id)?.status == .pending)
            let declined = try yookassa.server.confirm(created.id, decline: "3d_secure_failed")
            #expect(declined.status == .canceled && declined.cancellationDetails?.reason == "3d_secure_failed")
            #expect(declined.cancellationDetails?.party == "payment_network")
            #expect(try await yookassa.client.getPayment(created.id) == declined)
            let twice = #expect(throws: ProviderError.self) { try yookassa.server.confirm(created.id) }
            #expect(twice?.code == .conflict)
            let missing = #expect(throws: ProviderError.self) { try yookassa.server.confirm("nope") }
            #expect(missing?.code == .notFound)
        }
    }

    @Test("cancel releases a held payment, by the merchant; a canceled payment cannot be canceled again")
    func cancel() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, key: "pay:A-3005:1")
            try yookassa.server.confirm(created.id)
            let canceled = try await yookassa.client.cancelPayment(created.id, idempotencyKey: "cancel:A-3005:1")
            #expect(canceled.status == .canceled && !canceled.paid)
            #expect(canceled.cancellationDetails == .init(party: "merchant", reason: "canceled_by_merchant"))
            let again = await #expect(throws: ProviderError.self) {
                try await yookassa.client.cancelPayment(created.id, idempotencyKey: "cancel:A-3005:2")
            }
            #expect(again?.code == .invalid && again?.providerCode == "invalid_request")
        }
    }

    @Test("capturing more than is held is invalid, names amount.value, and takes nothing")
    func captureTooMuch() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, "10.00", key: "pay:A-3006:1")
            try yookassa.server.confirm(created.id)
            let error = await #expect(throws: ProviderError.self) {
                try await yookassa.client.capturePayment(
                    created.id,
                    amount: try LocalYooKassaFixture.amount("10.01"),
                    idempotencyKey: "capture:A-3006:1"
                )
            }
            #expect(error?.code == .invalid && error?.param == "amount.value" && error?.httpStatus == 400)
            #expect(error?.message.contains("(amount.value)") == true && error?.message.contains("10.01") == true)
            #expect(yookassa.server.payment(created.id)?.status == .waitingForCapture)
        }
    }

    @Test("refunding more than was captured and not yet refunded is invalid, naming amount.value")
    func refundTooMuch() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, "100.00", key: "pay:A-3007:1")
            try yookassa.server.confirm(created.id)
            _ = try await yookassa.client.capturePayment(
                created.id,
                amount: try LocalYooKassaFixture.amount("60.00"),
                idempotencyKey: "capture:A-3007:1"
            )
            // 60.00 captured: 60.01 is too much even though 100.00 was asked.
            let above = await #expect(throws: ProviderError.self) {
                try await yookassa.client.createRefund(
                    paymentID: created.id,
                    amount: try LocalYooKassaFixture.amount("60.01"),
                    idempotencyKey: "refund:A-3007:1"
                )
            }
            #expect(above?.code == .invalid && above?.param == "amount.value")
            #expect(above?.message.contains("60.00") == true && yookassa.server.refundCount == 0)
            _ = try await yookassa.client.createRefund(
                paymentID: created.id,
                amount: try LocalYooKassaFixture.amount("50.00"),
                idempotencyKey: "refund:A-3007:2"
            )
            let rest = await #expect(throws: ProviderError.self) {
                try await yookassa.client.createRefund(
                    paymentID: created.id,
                    amount: try LocalYooKassaFixture.amount("10.01"),
                    idempotencyKey: "refund:A-3007:3"
                )
            }
            #expect(rest?.param == "amount.value" && rest?.message.contains("10.00") == true)
            #expect(yookassa.server.payment(created.id)?.refundedAmount?.value == "50.00")
        }
    }

    @Test("a payment not yet captured cannot be refunded: invalid, naming payment_id")
    func refundNotCaptured() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let created = try await Self.create(yookassa, key: "pay:A-3008:1")
            try yookassa.server.confirm(created.id)
            let error = await #expect(throws: ProviderError.self) {
                try await yookassa.client.createRefund(
                    paymentID: created.id,
                    amount: try LocalYooKassaFixture.amount("1.00"),
                    idempotencyKey: "refund:A-3008:1"
                )
            }
            #expect(error?.code == .invalid && error?.param == "payment_id")
        }
    }

    @Test("listing for reconciliation: a creation period, newest first, page by page with the cursor")
    func list() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            var ids: [String] = []
            for index in 0..<4 {
                ids.append(try await Self.create(yookassa, "10.00", key: "pay:L-\(index):1").id)
            }
            // Created at times 0, 1, 2, 3: the period takes the middle two.
            let from = LocalYooKassaFixture.time(1)
            let to = LocalYooKassaFixture.time(2)
            let first = try await yookassa.client.listPayments(createdFrom: from, createdTo: to, limit: 1)
            #expect(first.items.map(\.id) == [ids[2]] && first.nextCursor != nil && first.type == "list")
            let second = try await yookassa.client.listPayments(
                createdFrom: from,
                createdTo: to,
                limit: 1,
                cursor: first.nextCursor
            )
            #expect(second.items.map(\.id) == [ids[1]] && second.nextCursor == nil)
            let all = try await yookassa.client.listPayments()
            #expect(all.items.map(\.id) == ids.reversed() && all.nextCursor == nil)
            let query = try #require(yookassa.server.requests.dropLast().last?.query)
            #expect(query.contains("created_at.gte=") && query.contains("created_at.lte=") && query.contains("cursor="))
        }
    }

    @Test("an unknown payment or refund is not found; an id that is not YooKassa's never reaches the wire")
    func notFound() async throws {
        try await LocalYooKassaFixture.with { yookassa in
            let payment = await #expect(throws: ProviderError.self) {
                try await yookassa.client.getPayment("2419a771-000f-5000-9000-1edaf29243f2")
            }
            #expect(payment?.code == .notFound && payment?.httpStatus == 404 && payment?.param == "payment_id")
            let refund = await #expect(throws: ProviderError.self) {
                try await yookassa.client.getRefund("2419a771-0015-5000-9000-1edaf29243f2")
            }
            #expect(refund?.code == .notFound && refund?.provider == "YooKassa")
            let odd = await #expect(throws: ProviderError.self) {
                try await yookassa.client.getPayment("../v3/refunds")
            }
            #expect(odd?.code == .invalid && yookassa.server.requests.count == 2)
        }
    }
}
