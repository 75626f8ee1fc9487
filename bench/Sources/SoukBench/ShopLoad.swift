import Foundation
package import GRPCCore
import SoukAPI

/// What a shopper does, measured over SWP against the pgbench script it is compared with.
package enum ShopOperation: String, Sendable, Hashable, Codable, CaseIterable {
    /// `GetProduct` of a random published product, priced in RUB, USD or EUR.
    case lookup = "product-lookup"
    /// `SearchProducts`: the first page (20) for a word that finds products, priced in RUB, USD or EUR.
    case search = "search-page"
    /// `SetCartLine` (one random SKU) then `PlaceOrder` in RUB, as one of the worker's own customers.
    case order = "place-order"
    /// `SetCartLine`, `PlaceOrder` in USD, then `CreatePayment` with Stripe's `pm_card_visa` (the sandbox's local
    /// Stripe): captured, the order paid, and the provider's webhook delivered after the answer.
    case checkout = "checkout-with-payment"

    /// How tables and reports name it.
    package var label: String {
        switch self {
        case .lookup: "product lookup (GetProduct)"
        case .search: "search page (SearchProducts, 20)"
        case .order: "place order (SetCartLine + PlaceOrder)"
        case .checkout: "checkout with payment (+ CreatePayment)"
        }
    }

    /// The pgbench script its rate is compared with.
    package var reference: PgbenchScript {
        switch self {
        case .lookup, .search: .selectOnly
        case .order, .checkout: .tpcb
        }
    }

    /// The least rate, as a fraction of the reference's tps, asked for when `driver` drives the load: issue #6's for
    /// the Swift client, issue #18's (GetProduct at half pgbench -S) for the C client; nil for an operation measured
    /// without a target (checkout with payment, issue 14; search by the C client).
    package func goal(_ driver: ShopDriver) -> Double? {
        switch (self, driver) {
        case (.lookup, .swift): 0.25
        case (.search, .swift): 0.05
        case (.order, .swift): 0.25
        case (.lookup, .c): 0.5
        case (.checkout, _), (.search, .c), (.order, .c): nil
        }
    }
}

/// Turns each ``ShopOperation`` into a closed-loop call on the catalog and order services, checking every
/// answer so a wrong or empty reply fails the run instead of looking fast.
package struct ShopLoad<Transport: ClientTransport>: Sendable {
    private let catalog: Souk_Catalog_V1_CatalogService.Client<Transport>
    private let orders: Souk_Catalog_V1_OrderService.Client<Transport>
    private let payments: Souk_Payments_V1_PaymentService.Client<Transport>
    private let fixture: ShopFixture
    private let inFlight: Int
    private let options: CallOptions

    /// Calls over `client`; worker `w` of `inFlight` orders as the customers whose index is `w` modulo `inFlight`.
    package init(client: GRPCClient<Transport>, fixture: ShopFixture, inFlight: Int) {
        self.catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        self.orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
        self.payments = Souk_Payments_V1_PaymentService.Client(wrapping: client)
        self.fixture = fixture
        self.inFlight = inFlight
        var options = CallOptions.defaults
        options.timeout = .seconds(60)
        options.waitForReady = false
        self.options = options
    }

    /// The call a worker makes for `operation`.
    package func call(_ operation: ShopOperation) -> BenchCall {
        switch operation {
        case .lookup: self.lookup
        case .search: self.search
        case .order: self.order
        case .checkout: self.checkout
        }
    }

    private var lookup: BenchCall {
        { [catalog, fixture, options] _, counter in
            var request = Souk_Catalog_V1_GetProductRequest()
            request.productID = fixture.productIDs.randomElement()!
            request.currency = ShopFixture.currencies.randomElement()!
            let product = try await catalog.getProduct(request, options: options)
            guard product.id == request.productID, product.skus.first?.displayPrice.currency == request.currency
            else {
                throw BenchError.wrongAnswer("GetProduct \(request.productID) in \(request.currency): \(product.id)")
            }
            counter.count(messages: 1, bytes: 0)
        }
    }

    private var search: BenchCall {
        { [catalog, fixture, options] _, counter in
            var request = Souk_Catalog_V1_SearchProductsRequest()
            request.query = fixture.searchWords.randomElement()!
            request.currency = ShopFixture.currencies.randomElement()!
            request.pageSize = 20
            let page = try await catalog.searchProducts(request, options: options)
            guard !page.products.isEmpty else {
                throw BenchError.wrongAnswer("SearchProducts '\(request.query)' found nothing")
            }
            counter.count(messages: 1, bytes: 0)
        }
    }

    private var order: BenchCall {
        { [catalog, orders, fixture, inFlight, options] worker, counter in
            _ = try await Self.placeOrder(worker, currency: "RUB", catalog, orders, fixture, inFlight, options)
            counter.count(messages: 1, bytes: 0)
        }
    }

    private var checkout: BenchCall {
        { [catalog, orders, payments, fixture, inFlight, options] worker, counter in
            let (order, bearer) = try await Self.placeOrder(
                worker,
                currency: "USD",
                catalog,
                orders,
                fixture,
                inFlight,
                options
            )
            var pay = Souk_Payments_V1_CreatePaymentRequest()
            pay.orderID = order.id
            pay.idempotencyKey = UUID().uuidString
            pay.paymentMethod = "pm_card_visa"
            let payment = try await payments.createPayment(pay, metadata: bearer, options: options).payment
            guard payment.status == .captured, payment.amount == order.total else {
                throw BenchError.wrongAnswer(
                    "CreatePayment for order \(order.id): \(payment.status) \(payment.amount.minorUnits) of \(order.total.minorUnits)"
                )
            }
            counter.count(messages: 1, bytes: 0)
        }
    }

    /// `SetCartLine` (one random SKU) then `PlaceOrder` in `currency`, as one of `worker`'s own customers (so no
    /// two calls in flight share a cart); the order and the customer's bearer metadata.
    private static func placeOrder(
        _ worker: Int,
        currency: String,
        _ catalog: Souk_Catalog_V1_CatalogService.Client<Transport>,
        _ orders: Souk_Catalog_V1_OrderService.Client<Transport>,
        _ fixture: ShopFixture,
        _ inFlight: Int,
        _ options: CallOptions
    ) async throws -> (Souk_Catalog_V1_Order, Metadata) {
        let own = Array(stride(from: worker % inFlight, to: fixture.customers.count, by: inFlight))
        let customer = fixture.customers[own.randomElement()!]
        let bearer: Metadata = ["authorization": "Bearer \(customer.accessToken)"]
        var line = Souk_Catalog_V1_SetCartLineRequest()
        line.sku = fixture.skus.randomElement()!
        line.quantity = 1
        line.currency = currency
        let cart = try await catalog.setCartLine(line, metadata: bearer, options: options)
        guard cart.lines.contains(where: { $0.sku == line.sku }) else {
            throw BenchError.wrongAnswer("SetCartLine \(line.sku): not in the cart it returned")
        }
        var place = Souk_Catalog_V1_PlaceOrderRequest()
        place.idempotencyKey = UUID().uuidString
        place.currency = currency
        let order = try await orders.placeOrder(place, metadata: bearer, options: options)
        guard !order.id.isEmpty, order.lines.contains(where: { $0.sku == line.sku }) else {
            throw BenchError.wrongAnswer("PlaceOrder: the order \(order.id) has no line for \(line.sku)")
        }
        return (order, bearer)
    }
}
