import Foundation
import GRPCCore
import SoukAPI
import TestSupport
import Testing

/// The recommendation service on the in-process rung, through the real access policy: lists published by the
/// worker's service account, served in order with each product's current state and price from the catalog.
@Suite("Recommendations: published lists served")
struct RecommendationServiceTests {
    @Test("a customer's list comes back in order, without drafts, products out of stock or taken off sale since")
    func forCustomer() async throws {
        try await RecommendationShop.with { shop in
            let published = try await shop.publish(
                customers: [shop.annID: ["TEA", "PEN", "MUG", "BOX", "JAM", "CUP", "PAN"]],
                popular: ["MUG"]
            )
            #expect(published.customers == 1 && published.products == 0 && published.version > 0)
            try await shop.unpublish("JAM")

            let rub = try await shop.forCustomer(shop.ann)
            #expect(shop.codes(rub) == ["TEA", "MUG", "CUP", "PAN"])
            #expect(rub.version == published.version)
            #expect(rub.products.map(\.price.currency) == ["RUB", "RUB", "RUB", "RUB"])
            #expect(rub.products.map(\.price.minorUnits) == [35_000, 129_000, 59_000, 249_000])
            #expect(rub.products.map(\.sku) == ["TEA", "MUG", "CUP", "PAN"])
            #expect(rub.products.first?.title == "Product TEA")
            #expect(rub.products.map(\.score) == [100, 98, 95, 94])

            let usd = try await shop.forCustomer(shop.ann, limit: 2, currency: "USD")
            #expect(shop.codes(usd) == ["TEA", "MUG"])
            #expect(usd.products.map(\.price) == [Self.money(399, "USD"), Self.money(1499, "USD")])

            // Naming oneself is the same as naming no one.
            let named = try await shop.forCustomer(shop.ann, customer: shop.annID.uppercased(), limit: 1)
            #expect(shop.codes(named) == ["TEA"])
        }
    }

    @Test("customers also bought: the product's neighbours in order, filtered, never the product itself")
    func forProduct() async throws {
        try await RecommendationShop.with { shop in
            try await shop.publish(neighbours: ["MUG": ["CUP", "MUG", "BOX", "TEA", "PEN", "PAN"], "TEA": ["JAM"]])
            try await shop.unpublish("PAN")
            let anonymous = try await shop.forProduct(try #require(shop.products["MUG"]), currency: "USD")
            #expect(shop.codes(anonymous) == ["CUP", "TEA"])
            #expect(anonymous.products.map(\.price.minorUnits) == [699, 399])
            // A product with no neighbours published: an empty answer, not an error.
            let none = try await shop.forProduct(try #require(shop.products["CUP"]), caller: shop.ann)
            #expect(none.products.isEmpty && none.version > 0)
            let staff = try await shop.forProduct(try #require(shop.products["TEA"]), caller: shop.admin, limit: 1)
            #expect(shop.codes(staff) == ["JAM"])
        }
    }

    @Test("for the cart: the caller's list without the products already in their cart")
    func forCart() async throws {
        try await RecommendationShop.with { shop in
            try await shop.publish(customers: [shop.annID: ["MUG", "CUP", "TEA", "JAM"]], popular: ["TEA", "CUP"])
            var line = Souk_Catalog_V1_SetCartLineRequest()
            line.sku = "MUG"
            line.quantity = 1
            line.currency = "RUB"
            _ = try await shop.harness.catalog.setCartLine(line, metadata: shop.ann)
            line.sku = "TEA"
            _ = try await shop.harness.catalog.setCartLine(line, metadata: shop.ann)
            _ = try await shop.harness.catalog.setCartLine(line, metadata: shop.bob)

            var request = Souk_Recommendations_V1_ForCartRequest()
            request.currency = "USD"
            let ann = try await shop.recommendations.forCart(request, metadata: shop.ann)
            #expect(shop.codes(ann) == ["CUP", "JAM"])
            #expect(ann.products.map(\.price.minorUnits) == [699, 549])
            // Bob has no list of his own: the popular one, without the tea in his cart.
            #expect(shop.codes(try await shop.recommendations.forCart(request, metadata: shop.bob)) == ["CUP"])

            request.limit = 51
            let error = await rpcError { _ = try await shop.recommendations.forCart(request, metadata: shop.ann) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix("limit:") == true)
            let anonymous = await rpcError { _ = try await shop.recommendations.forCart(.init(), metadata: [:]) }
            #expect(anonymous?.code == .unauthenticated)
        }
    }

    @Test("someone who bought nothing gets the popular list; staff may read any customer's list")
    func popularAndStaff() async throws {
        try await RecommendationShop.with { shop in
            try await shop.publish(customers: [shop.annID: ["PAN", "CUP"]], popular: ["MUG", "PEN", "TEA"])
            #expect(shop.codes(try await shop.forCustomer(shop.bob)) == ["MUG", "TEA"])
            #expect(shop.codes(try await shop.forCustomer(shop.admin, customer: shop.annID)) == ["PAN", "CUP"])
        }
    }

    @Test("refusals name what is wrong: another customer, an unknown customer or product, a limit out of range")
    func refusals() async throws {
        try await RecommendationShop.with { shop in
            try await shop.publish(customers: [shop.annID: ["MUG"], shop.bobID: ["CUP"]])

            let other = await rpcError { _ = try await shop.forCustomer(shop.ann, customer: shop.bobID) }
            #expect(other?.code == .permissionDenied)
            #expect(other?.message.contains("customer_id") == true)

            let stranger = UUID().uuidString.lowercased()
            let unknown = await rpcError { _ = try await shop.forCustomer(shop.admin, customer: stranger) }
            #expect(unknown?.code == .notFound)
            #expect(unknown?.message.contains(stranger) == true)

            let missing = UUID().uuidString.lowercased()
            let product = await rpcError { _ = try await shop.forProduct(missing) }
            #expect(product?.code == .notFound)
            #expect(product?.message.contains(missing) == true)

            // A draft is no product to a customer.
            let draft = try #require(shop.products["PEN"])
            #expect(await rpcError { _ = try await shop.forProduct(draft, caller: shop.ann) }?.code == .notFound)

            for limit: Int32 in [-1, 51] {
                let error = await rpcError { _ = try await shop.forCustomer(shop.ann, limit: limit) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.hasPrefix("limit:") == true)
                let product = try #require(shop.products["MUG"])
                let byProduct = await rpcError { _ = try await shop.forProduct(product, limit: limit) }
                #expect(byProduct?.code == .invalidArgument)
                #expect(byProduct?.message.hasPrefix("limit:") == true)
            }
            #expect(shop.codes(try await shop.forCustomer(shop.ann, limit: 50)) == ["MUG"])

            let anonymous = await rpcError { _ = try await shop.forCustomer([:]) }
            #expect(anonymous?.code == .unauthenticated)
        }
    }

    @Test("only the worker's permission publishes; a new publication replaces every list at once")
    func publishing() async throws {
        try await RecommendationShop.with { shop in
            let first = try await shop.publish(customers: [shop.annID: ["MUG"]], neighbours: ["MUG": ["CUP"]])

            let byCustomer = await rpcError {
                _ = try await shop.publish(customers: [shop.annID: ["PAN"]], as: shop.ann)
            }
            #expect(byCustomer?.code == .permissionDenied)
            #expect(shop.codes(try await shop.forCustomer(shop.ann)) == ["MUG"])

            let second = try await shop.publish(customers: [shop.bobID: ["TEA"]])
            #expect(second.version > first.version)
            #expect(shop.codes(try await shop.forCustomer(shop.bob)) == ["TEA"])
            // Ann's list and the mug's neighbours were not in the new version: gone, not kept from the old one.
            #expect(try await shop.forCustomer(shop.ann).products.isEmpty)
            #expect(try await shop.forProduct(try #require(shop.products["MUG"])).products.isEmpty)
        }
    }

    @Test("an invalid publication refuses the whole of it, naming the message and field, and keeps the lists served")
    func invalidPublication() async throws {
        try await RecommendationShop.with { shop in
            let first = try await shop.publish(customers: [shop.annID: ["MUG"]])
            let tea = try #require(shop.products["TEA"])
            var good = Souk_Recommendations_V1_CustomerList()
            good.customerID = shop.bobID
            good.products = [RecommendationShop.scored(tea)]
            var twice = Souk_Recommendations_V1_CustomerList()
            twice.customerID = shop.bobID.uppercased()
            var notAnID = Souk_Recommendations_V1_CustomerList()
            notAnID.customerID = "ann"
            var nan = Souk_Recommendations_V1_ProductList()
            nan.productID = "p"
            nan.neighbours = [RecommendationShop.scored("q", .nan)]
            let cases: [([Souk_Recommendations_V1_PublishListsRequest], String)] = [
                (
                    [
                        RecommendationShop.message { $0.customer = good },
                        RecommendationShop.message { $0.customer = twice },
                    ], "message 2: customer.customer_id"
                ),
                (
                    [RecommendationShop.message { $0.customer = notAnID }],
                    "message 1: customer.customer_id: not a customer id"
                ),
                (
                    [
                        RecommendationShop.message { $0.customer = good },
                        RecommendationShop.message { $0.product = nan },
                    ], "message 2: product.neighbours[0].score"
                ),
                ([.init()], "message 1: list: required"),
            ]
            for (messages, message) in cases {
                let error = await rpcError { _ = try await shop.publish(messages, as: shop.worker) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.hasPrefix(message) == true, "\(String(describing: error))")
            }
            let served = try await shop.forCustomer(shop.ann)
            #expect(served.version == first.version)
            #expect(shop.codes(served) == ["MUG"])
            #expect(try await shop.forCustomer(shop.bob).products.isEmpty)
        }
    }

    static func money(_ minor: Int64, _ currency: String) -> Souk_Catalog_V1_Money {
        var money = Souk_Catalog_V1_Money()
        money.minorUnits = minor
        money.currency = currency
        return money
    }
}
