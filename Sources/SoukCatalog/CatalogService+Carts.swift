import Foundation
package import GRPCCore
package import SoukAPI
import SoukAccess
import SoukMoney

extension CatalogService {
    package func getCart(
        request: Souk_Catalog_V1_GetCartRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Cart {
        let account = try Caller.signedInAccount(owning: "carts")
        return try await self.cart(of: account, currency: try await self.cartCurrency(request.currency))
    }

    package func setCartLine(
        request: Souk_Catalog_V1_SetCartLineRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Cart {
        let account = try Caller.signedInAccount(owning: "carts")
        guard (0...1000).contains(request.quantity) else {
            throw CatalogError.invalidArgument("quantity: 0 (remove) to 1000")
        }
        if request.quantity > 0, try await self.store.publishedSku(request.sku) == nil {
            throw CatalogError.notFound("sku: no SKU \(request.sku.prefix(41)) on sale")
        }
        // Settle the currency first: an unsupported one, or identity out of reach, changes nothing.
        let currency = try await self.cartCurrency(request.currency)
        try await self.store.setCartLine(account: account, sku: request.sku, quantity: Int(request.quantity))
        return try await self.cart(of: account, currency: currency)
    }

    /// The cart of `account`, every line priced in `currency` (the merchant's price or a conversion at a stored
    /// rate), with the line totals and the total computed here, never taken from a client.
    private func cart(of account: UUID, currency: Currency) async throws -> Souk_Catalog_V1_Cart {
        let lines = try await self.store.cartLines(account: account)
        let records = try await self.store.products(ids: Array(Set(lines.map(\.product))))
        let products = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        let rates = try await self.store.rateBook()
        var cart = Souk_Catalog_V1_Cart()
        var total = Money.zero(currency)
        for line in lines {
            guard let product = products[line.product], let sku = product.skus.first(where: { $0.code == line.sku }),
                let unit = try Self.price(of: sku, in: currency, rates: rates)
            else { continue }
            do {
                let lineTotal = try unit.multiplied(by: Int64(line.quantity))
                total = try total.adding(lineTotal)
                var message = Souk_Catalog_V1_CartLine()
                message.sku = line.sku
                message.title = product.title
                message.quantity = Int32(line.quantity)
                message.unitPrice = Self.money(unit)
                message.lineTotal = Self.money(lineTotal)
                message.package = sku.packageSize.message
                cart.lines.append(message)
            } catch let error as MoneyError {
                throw CatalogError.invalidArgument("quantity: \(error)")
            }
        }
        cart.total = Self.money(total)
        return cart
    }

    /// The currency asked for, else the person's preferred currency as identity has it now (as orders do); with
    /// no identity client, the one in their token, else RUB.
    private func cartCurrency(_ code: String) async throws -> Currency {
        if let asked = try Self.currency(code) { return asked }
        if let preferred = try await self.preferredCurrency.current() { return preferred }
        if let preferred = Caller.current?.preferredCurrency, let currency = Currency.supported[preferred] {
            return currency
        }
        return .rub
    }
}
