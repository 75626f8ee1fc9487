package import GRPCCore
package import SoukAPI

/// A small shop for tests that need orders: one published mug and a customer who orders it.
package enum MugShop {
    /// The mug's SKU.
    package static let mugSKU = "MUG-350"

    /// Creates the category "Kitchen" and the published product "Mug" (`MUG-350`: 1290.00 RUB, 14.99 USD) with 5 in
    /// the warehouse `MSK-1`.
    package static func stockMug(
        _ catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        admin: Metadata,
        onHand: Int32 = 5
    ) async throws {
        var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
        kitchen.name = "Kitchen"
        kitchen.slug = "kitchen"
        let category = try await catalog.createCategory(kitchen, metadata: admin)
        var product = Souk_Catalog_V1_CreateProductRequest()
        product.categoryID = category.id
        product.title = "Mug"
        var sku = Souk_Catalog_V1_Sku()
        sku.code = Self.mugSKU
        for (minor, currency) in [(Int64(129_000), "RUB"), (1499, "USD")] {
            var price = Souk_Catalog_V1_Money()
            price.minorUnits = minor
            price.currency = currency
            sku.prices.append(price)
        }
        product.skus = [sku]
        let created = try await catalog.createProduct(product, metadata: admin)
        var publish = Souk_Catalog_V1_PublishProductRequest()
        publish.productID = created.id
        _ = try await catalog.publishProduct(publish, metadata: admin)
        var stock = Souk_Catalog_V1_SetStockRequest()
        stock.sku = Self.mugSKU
        stock.warehouse = "MSK-1"
        stock.onHand = onHand
        _ = try await catalog.setStock(stock, metadata: admin)
    }

    /// Puts `mugs` in the cart of the customer `customer` and places the order in `currency`.
    package static func orderMugs(
        _ mugs: Int32,
        currency: String,
        customer: Metadata,
        key: String,
        catalog: any Souk_Catalog_V1_CatalogService.ClientProtocol,
        orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    ) async throws -> Souk_Catalog_V1_Order {
        var line = Souk_Catalog_V1_SetCartLineRequest()
        line.sku = Self.mugSKU
        line.quantity = mugs
        _ = try await catalog.setCartLine(line, metadata: customer)
        var place = Souk_Catalog_V1_PlaceOrderRequest()
        place.idempotencyKey = key
        place.currency = currency
        return try await orders.placeOrder(place, metadata: customer)
    }
}
