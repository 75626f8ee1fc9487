import Foundation
package import GRPCCore
import SoukAPI

/// Customers ordering at once, each placing its share of one-unit orders of one SKU. A call without an answer
/// (the connection lost, UNAVAILABLE, DEADLINE_EXCEEDED) is tried again with the same idempotency key after a
/// short pause, until the order is acknowledged or ``giveUp`` passes; an expired sign-in signs in again. Any
/// other error ends that customer's run and is recorded in the ledger.
package struct OrderShoppers<Transport: ClientTransport, C: Clock>: Sendable where C.Duration == Duration {
    private let catalog: Souk_Catalog_V1_CatalogService.Client<Transport>
    private let orders: Souk_Catalog_V1_OrderService.Client<Transport>
    private let identity: Souk_Identity_V1_IdentityService.Client<Transport>
    private let customers: [ShopCustomer]
    private let sku: String
    private let clock: C
    private let origin: C.Instant
    private let options: CallOptions
    /// How long one order may go unacknowledged before its customer gives up.
    private let giveUp: Duration
    /// The pause before a call is tried again.
    private let pause: Duration

    /// Orders of `sku` as `customers`; ledger times count from `origin` on `clock`.
    package init(
        client: GRPCClient<Transport>,
        customers: [ShopCustomer],
        sku: String,
        clock: C,
        origin: C.Instant,
        giveUp: Duration = .seconds(300),
        pause: Duration = .milliseconds(200)
    ) {
        self.giveUp = giveUp
        self.pause = pause
        self.catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        self.orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
        self.identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
        self.customers = customers
        self.sku = sku
        self.clock = clock
        self.origin = origin
        var options = CallOptions.defaults
        // The bridge's bound on a call: a call the server never ends is told DEADLINE_EXCEEDED and tried again.
        options.timeout = .seconds(30)
        options.waitForReady = false
        self.options = options
    }

    /// Places `total` orders; returns when every customer has placed its share or stopped.
    package func run(total: Int, ledger: OrderLedger) async {
        await withTaskGroup(of: Void.self) { group in
            for (index, customer) in self.customers.enumerated() {
                let count = ChaosPlan.share(of: total, customer: index, of: self.customers.count)
                group.addTask { await self.places(count, as: customer, ledger: ledger) }
            }
        }
    }

    private func places(_ count: Int, as customer: ShopCustomer, ledger: OrderLedger) async {
        var token: String? = customer.accessToken
        for _ in 0..<count {
            let key = UUID().uuidString
            let deadline = self.clock.now.advanced(by: self.giveUp)
            while true {
                if Task.isCancelled { return }
                guard self.clock.now < deadline else {
                    ledger.fail("\(customer.email): no answer for order \(key) within \(self.giveUp)")
                    return
                }
                let started = self.clock.now
                do {
                    let bearer = try await self.bearer(&token, customer)
                    let id = try await self.place(key: key, bearer: bearer)
                    ledger.acknowledge(key: key, orderID: id, at: self.origin.duration(to: self.clock.now))
                    break
                } catch let error as RPCError where [.unavailable, .deadlineExceeded].contains(error.code) {
                    let ended = self.clock.now
                    ledger.unanswered(
                        OrderLedger.Unanswered(
                            endedAt: self.origin.duration(to: ended),
                            seconds: started.duration(to: ended).inSeconds,
                            code: "\(error.code)",
                            message: error.message
                        )
                    )
                    try? await self.clock.sleep(for: self.pause)
                } catch let error as RPCError where error.code == .unauthenticated {
                    token = nil
                } catch {
                    ledger.fail("\(customer.email): \(BenchError.describe(error))")
                    return
                }
            }
        }
    }

    /// The customer's bearer metadata, signing in again when the last token was refused.
    private func bearer(_ token: inout String?, _ customer: ShopCustomer) async throws -> Metadata {
        if token == nil {
            var login = Souk_Identity_V1_LoginRequest()
            login.email = customer.email
            login.password = customer.password
            token = try await self.identity.login(login, options: self.options).tokens.accessToken
        }
        return ["authorization": "Bearer \(token ?? "")"]
    }

    /// `SetCartLine` (one unit) then `PlaceOrder` under `key`; the order's id.
    private func place(key: String, bearer: Metadata) async throws -> String {
        var line = Souk_Catalog_V1_SetCartLineRequest()
        line.sku = self.sku
        line.quantity = 1
        line.currency = "RUB"
        _ = try await self.catalog.setCartLine(line, metadata: bearer, options: self.options)
        var place = Souk_Catalog_V1_PlaceOrderRequest()
        place.idempotencyKey = key
        place.currency = "RUB"
        let order = try await self.orders.placeOrder(place, metadata: bearer, options: self.options)
        guard !order.id.isEmpty, order.lines.contains(where: { $0.sku == self.sku && $0.quantity == 1 }) else {
            throw BenchError.wrongAnswer("PlaceOrder \(key): order '\(order.id)' lacks one unit of \(self.sku)")
        }
        return order.id
    }
}
