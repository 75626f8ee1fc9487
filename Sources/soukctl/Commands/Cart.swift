import ArgumentParser
import Foundation
import SoukAPI
import SoukCtlKit

/// `soukctl cart add|show`: the signed-in person's own cart.
struct Cart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your own cart: add a SKU, show it priced in a currency.",
        subcommands: [Add.self, Show.self]
    )

    static func print(_ cart: Souk_Catalog_V1_Cart, global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(cart) }
        Printer.table(
            ["SKU", "TITLE", "QTY", "UNIT PRICE", "LINE TOTAL"],
            cart.lines.map { line in
                [
                    line.sku, line.title, "\(line.quantity)", MoneyText.format(line.unitPrice),
                    MoneyText.format(line.lineTotal),
                ]
            }
        )
        Printer.line("total: \(MoneyText.format(cart.total))")
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a SKU in the cart (sets its quantity).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The SKU code.") var sku: String
        @Option(help: "The quantity; 0 removes the line.") var quantity: Int32 = 1
        @Option(help: "Price the cart in this currency.") var currency: String?

        func validate() throws {
            guard self.quantity >= 0 else { throw ValidationError("--quantity: 0 or more") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_SetCartLineRequest()
                request.sku = self.sku
                request.quantity = self.quantity
                request.currency = self.currency?.uppercased() ?? ""
                let cart = try await session.authenticated { api in
                    try await api.catalog.setCartLine(request, options: api.options)
                }
                try Cart.print(cart, global: self.global)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the cart, priced on the server.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Price the cart in this currency (default: your preferred currency).") var currency: String?

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_GetCartRequest()
                request.currency = self.currency?.uppercased() ?? ""
                let cart = try await session.authenticated { api in
                    try await api.catalog.getCart(request, options: api.options)
                }
                try Cart.print(cart, global: self.global)
            }
        }
    }
}

/// Random idempotency keys.
enum UUIDText {
    static func random() -> String { UUID().uuidString.lowercased() }
}
