import Foundation
import SoukAPI
import SoukClient

/// Signs in, searches the catalog, puts the first product found in the cart and orders it, through Souk's public
/// client library only.
///
/// ```
/// shop-client --email customer01@demo.souk.local --password souk-demo-2026 [--query чай]
///             [--host 127.0.0.1] [--port 7700] [--ca .souk/tls/ca.pem]
/// ```
@main
struct ShopClient {
    static func main() async {
        do {
            let options = try Options(CommandLine.arguments.dropFirst())
            try await Self.shop(options)
        } catch {
            FileHandle.standardError.write(Data("shop-client: \(error)\n".utf8))
            exit(1)
        }
    }

    static func shop(_ options: Options) async throws {
        let endpoint = ClientConfig(
            host: options.host,
            port: options.port,
            trust: .certificateAuthority(path: options.certificateAuthority)
        )

        // Sign in on a connection without a token.
        var login = Souk_Identity_V1_LoginRequest()
        login.email = options.email
        login.password = options.password
        let signedIn = try await SoukConnection.withServices(to: endpoint) { services in
            try await services.identityService.login(login)
        }
        print("signed in as \(signedIn.account.email)")

        // Every later call carries the sign-in's access token, renewed before it expires.
        let tokens = RotatingTokenSource(tokens: signedIn.tokens) { refreshToken in
            var refresh = Souk_Identity_V1_RefreshRequest()
            refresh.refreshToken = refreshToken
            return try await SoukConnection.withServices(to: endpoint) {
                try await $0.identityService.refresh(refresh).tokens
            }
        }
        try await SoukConnection.withServices(to: endpoint, tokens: tokens) { shop in
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.query = options.query
            search.inStock = true
            search.pageSize = 5
            let found = try await shop.catalogService.searchProducts(search)
            print("found \(found.products.count) products for \"\(options.query)\"")
            guard let product = found.products.first(where: { !$0.skus.isEmpty }), let sku = product.skus.first else {
                throw ShopError("nothing in stock matches \"\(options.query)\"")
            }

            var line = Souk_Catalog_V1_SetCartLineRequest()
            line.sku = sku.code
            line.quantity = 1
            let cart = try await shop.catalogService.setCartLine(line)
            print("cart: \(cart.lines.count) line(s), \(sku.code) — \(product.title)")

            // No currency: the order is in the customer's preferred currency. The key makes a retry one order.
            var order = Souk_Catalog_V1_PlaceOrderRequest()
            order.idempotencyKey = UUID().uuidString
            let placed = try await shop.orderService.placeOrder(order)
            print("order #\(placed.number) placed: \(placed.total.minorUnits) minor units of \(placed.total.currency)")
        }
    }
}

/// The command line: `--name value` pairs.
struct Options {
    var email = ""
    var password = ""
    var query = ""
    var host = "127.0.0.1"
    var port = 7700
    var certificateAuthority = ".souk/tls/ca.pem"

    init(_ arguments: ArraySlice<String>) throws {
        var arguments = arguments
        while let name = arguments.popFirst() {
            guard let value = arguments.popFirst() else { throw ShopError("\(name): needs a value") }
            switch name {
            case "--email": self.email = value
            case "--password": self.password = value
            case "--query": self.query = value
            case "--host": self.host = value
            case "--port":
                guard let port = Int(value) else { throw ShopError("--port: not a number: \(value)") }
                self.port = port
            case "--ca": self.certificateAuthority = value
            default: throw ShopError("\(name): unknown option")
            }
        }
        guard !self.email.isEmpty, !self.password.isEmpty else {
            throw ShopError("--email and --password are required")
        }
    }
}

struct ShopError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
