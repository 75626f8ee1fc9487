import Foundation
package import GRPCCore
import SoukAPI

/// Reads back, as staff over the public API, what a chaos phase left: every order (`ListOrders`), the SKU's
/// stock (`GetStock`) and the outbox's `order.placed` events (`StreamEvents` without following), and tallies
/// them against what the customers were told.
///
/// Each read is tried again while the server answers UNAVAILABLE (it may have just restarted), for up to two
/// minutes.
package struct OrderAudit<Transport: ClientTransport>: Sendable {
    private let catalog: Souk_Catalog_V1_CatalogService.Client<Transport>
    private let orders: Souk_Catalog_V1_OrderService.Client<Transport>
    private let identity: Souk_Identity_V1_IdentityService.Client<Transport>
    private let staff: ShopCustomer
    private let options: CallOptions

    /// The warehouse the seeder stocks.
    package static var warehouse: String { "MSK-1" }

    package init(client: GRPCClient<Transport>, staff: ShopCustomer) {
        self.catalog = Souk_Catalog_V1_CatalogService.Client(wrapping: client)
        self.orders = Souk_Catalog_V1_OrderService.Client(wrapping: client)
        self.identity = Souk_Identity_V1_IdentityService.Client(wrapping: client)
        self.staff = staff
        var options = CallOptions.defaults
        options.timeout = .seconds(120)
        options.waitForReady = false
        self.options = options
    }

    /// The SKU's stock in ``warehouse``.
    ///
    /// - Throws: ``BenchError/wrongAnswer(_:)`` when the warehouse holds none of it.
    package func stock(of sku: String) async throws -> OrderTally.StockFigures {
        let bearer = try await self.bearer()
        var request = Souk_Catalog_V1_GetStockRequest()
        request.sku = sku
        let levels = try await Self.retrying("GetStock \(sku)") {
            try await self.catalog.getStock(request, metadata: bearer, options: self.options).levels
        }
        guard let level = levels.first(where: { $0.warehouse == Self.warehouse }) else {
            throw BenchError.wrongAnswer("GetStock \(sku): no level in \(Self.warehouse)")
        }
        return OrderTally.StockFigures(
            onHand: Int(level.onHand),
            reserved: Int(level.reserved),
            available: Int(level.available)
        )
    }

    /// Lists, reads and counts.
    ///
    /// - Parameters:
    ///   - asked: the orders the customers set out to place.
    ///   - ledger: what they were told.
    ///   - sku: the SKU every order holds one unit of.
    ///   - stockBefore: its units on hand before the orders.
    package func tally(asked: Int, ledger: OrderLedger, sku: String, stockBefore: Int) async throws -> OrderTally {
        let bearer = try await self.bearer()
        var listed: [String] = []
        var token = ""
        repeat {
            var request = Souk_Catalog_V1_ListOrdersRequest()
            request.pageSize = 100
            request.pageToken = token
            let page = try await Self.retrying("ListOrders") {
                try await self.orders.listOrders(request, metadata: bearer, options: self.options)
            }
            listed += page.orders.map(\.id)
            token = page.nextPageToken
        } while !token.isEmpty
        let events = try await Self.retrying("StreamEvents") {
            var request = Souk_Catalog_V1_StreamEventsRequest()
            request.afterPosition = 0
            request.follow = false
            return try await self.orders.streamEvents(request, metadata: bearer, options: self.options) { response in
                var placed: [String] = []
                for try await event in response.messages where event.type == "order.placed" {
                    placed.append(event.aggregateID)
                }
                return placed
            }
        }
        return OrderTally(
            asked: asked,
            acknowledged: ledger.acknowledged,
            listed: listed,
            placedEvents: events,
            stock: try await self.stock(of: sku),
            stockBefore: stockBefore
        )
    }

    /// Signs the staff account in afresh: the seeding token may have expired during a long phase.
    private func bearer() async throws -> Metadata {
        var login = Souk_Identity_V1_LoginRequest()
        login.email = self.staff.email
        login.password = self.staff.password
        let tokens = try await Self.retrying("Login \(self.staff.email)") {
            try await self.identity.login(login, options: self.options).tokens
        }
        return ["authorization": "Bearer \(tokens.accessToken)"]
    }

    /// Runs `body`, again after a second while it fails with UNAVAILABLE, for up to two minutes.
    static func retrying<Result: Sendable>(
        _ what: String,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            do {
                return try await body()
            } catch let error as RPCError where error.code == .unavailable && ContinuousClock.now < deadline {
                try await Task.sleep(for: .seconds(1))
            } catch {
                throw BenchError.scenarioFailed(
                    scenario: "reading the orders back",
                    wire: "SWP",
                    cause: "\(what): \(BenchError.describe(error))"
                )
            }
        }
    }
}
