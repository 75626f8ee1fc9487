import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("Carts: one per person, priced on the server in the currency asked for")
struct CartTests {
    @Test("add, change, remove; totals in RUB, USD and EUR; each person sees only their own cart")
    func ownCart() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
            kitchen.name = "Kitchen"
            kitchen.slug = "kitchen"
            let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
            let product = try await harness.catalog.createProduct(
                CatalogServiceTests.mug(category: category.id),
                metadata: admin
            )
            var line = Souk_Catalog_V1_SetCartLineRequest()
            line.sku = "MUG-350"
            line.quantity = 2
            let ann = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            let draft = await rpcError { _ = try await harness.catalog.setCartLine(line, metadata: ann) }
            #expect(draft?.code == .notFound, "a draft is not on sale")
            var publish = Souk_Catalog_V1_PublishProductRequest()
            publish.productID = product.id
            _ = try await harness.catalog.publishProduct(publish, metadata: admin)

            let rub = try await harness.catalog.setCartLine(line, metadata: ann)
            #expect(rub.total == CatalogServiceTests.price(258_000, "RUB"))
            #expect(rub.lines.first?.lineTotal == CatalogServiceTests.price(258_000, "RUB"))
            var get = Souk_Catalog_V1_GetCartRequest()
            get.currency = "USD"
            #expect(
                try await harness.catalog.getCart(get, metadata: ann).total == CatalogServiceTests.price(2_998, "USD")
            )
            get.currency = "EUR"
            // Two units at 14.05 EUR each (1290.00 RUB at the stored rate, half to even).
            #expect(
                try await harness.catalog.getCart(get, metadata: ann).total == CatalogServiceTests.price(2_810, "EUR")
            )

            let bob = IdentityHarness.bearer(try await harness.customer(email: "bob@example.com").accessToken)
            #expect(try await harness.catalog.getCart(Souk_Catalog_V1_GetCartRequest(), metadata: bob).lines.isEmpty)

            line.quantity = -1
            #expect(
                await rpcError { _ = try await harness.catalog.setCartLine(line, metadata: ann) }?.code
                    == .invalidArgument
            )
            line.quantity = 1
            line.sku = "NO-SUCH"
            #expect(
                await rpcError { _ = try await harness.catalog.setCartLine(line, metadata: ann) }?.code == .notFound
            )
            line.sku = "MUG-350"
            line.currency = "XYZ"
            #expect(
                await rpcError { _ = try await harness.catalog.setCartLine(line, metadata: ann) }?.code
                    == .invalidArgument
            )
            #expect(
                try await harness.catalog.getCart(Souk_Catalog_V1_GetCartRequest(), metadata: ann).lines[0].quantity
                    == 2
            )
            line.currency = ""
            line.quantity = 0
            #expect(try await harness.catalog.setCartLine(line, metadata: ann).lines.isEmpty)
            #expect(
                await rpcError { _ = try await harness.catalog.getCart(Souk_Catalog_V1_GetCartRequest()) }?.code
                    == .unauthenticated
            )
        }
    }

    @Test("without a currency the cart is priced in the person's preferred currency, as of the last sign-in")
    func preferredCurrency() async throws {
        try await IdentityHarness.with { harness in
            let shop = try await MugShop.open(harness)
            let ann = try await shop.customer("ann@example.com", mugs: 1)
            #expect(try await harness.catalog.getCart(.init(), metadata: ann).total.currency == "RUB", "the default")
            var profile = Souk_Identity_V1_UpdateMyProfileRequest()
            profile.profile.preferredCurrency = "USD"
            _ = try await harness.identity.updateMyProfile(profile, metadata: ann)
            let signedIn = try await harness.login(email: "ann@example.com", password: "correct horse battery")
            let fresh = IdentityHarness.bearer(signedIn.tokens.accessToken)
            #expect(
                try await harness.catalog.getCart(.init(), metadata: fresh).total
                    == CatalogServiceTests.price(1_499, "USD")
            )
            var asked = Souk_Catalog_V1_GetCartRequest()
            asked.currency = "EUR"
            #expect(try await harness.catalog.getCart(asked, metadata: fresh).total.currency == "EUR", "asked wins")
        }
    }
}
