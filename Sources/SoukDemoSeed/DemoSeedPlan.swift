import SoukAPI

/// What the demo seed creates, computed from a fixed seed alone: the same categories, products, SKUs, prices,
/// stock, customers and orders on every run and every machine.
struct DemoSeedPlan: Equatable {
    struct Category: Equatable {
        var slug: String
        var name: String
        var parent: String?
    }

    struct Product: Equatable {
        var category: String
        var title: String
        var description: String
        var attributes: [String: String]
        var skus: [Sku]
        /// The category's picture, served from the web root (`clients/web/shop/img/demo`).
        var imageURLs: [String]
    }

    struct Sku: Equatable {
        var code: String
        var attributes: [String: String]
        /// Minor units by currency; the base price (RUB) first.
        var prices: [Price]
        var moscow: Int
        var petersburg: Int
        /// One unit in its box.
        var packageSize: DemoSeedPackages.Size
    }

    struct Price: Equatable {
        var currency: String
        var minorUnits: Int64
    }

    struct Customer: Equatable {
        var email: String
        var displayName: String
        var currency: String
        var locale: String
    }

    struct Order: Equatable {
        /// Index into ``DemoSeedPlan/customers``.
        var customer: Int
        var currency: String
        var lines: [Line]
        /// The statuses the order is moved through after it is placed, in order.
        var path: [Souk_Catalog_V1_OrderStatus]
    }

    struct Line: Equatable {
        var sku: String
        var quantity: Int
    }

    var categories: [Category] = []
    var products: [Product] = []
    var customers: [Customer] = []
    var orders: [Order] = []

    static let productsPerCategory = 25
    static let orderCount = 25

    /// The plan for `seed`.
    static func make(seed: UInt64 = 0x50_0C_DE_30_2026) -> Self {
        var random = SplitMix64(seed: seed)
        var plan = Self()
        for spec in DemoSeedWords.categories {
            plan.categories.append(Category(slug: spec.slug, name: spec.name, parent: spec.parent))
            for index in 1...Self.productsPerCategory {
                plan.products.append(Self.product(index, of: spec, random: &random))
            }
        }
        for (index, (name, currency, locale)) in DemoSeedWords.customers.enumerated() {
            plan.customers.append(
                Customer(email: Self.email(customer: index + 1), displayName: name, currency: currency, locale: locale)
            )
        }
        plan.orders = Self.orders(for: plan, random: &random)
        return plan
    }

    /// `customer01@demo.souk.local` …
    static func email(customer number: Int) -> String {
        "customer\(number < 10 ? "0" : "")\(number)@demo.souk.local"
    }

    private static func product(_ index: Int, of spec: DemoSeedWords.Category, random: inout SplitMix64) -> Product {
        let noun = random.pick(spec.nouns)
        let brand = random.pick(DemoSeedWords.brands)
        let model = "\(random.pick(DemoSeedWords.models)) \(random.int(in: 1...9))"
        let title = "\(noun.russian) \(brand) \(model) / \(brand) \(model) \(noun.english)"
        let first = random.int(in: 0...(spec.features.count - 1))
        let second = (first + 1 + random.int(in: 0...(spec.features.count - 2))) % spec.features.count
        let closing = random.pick(DemoSeedWords.closings)
        let description = [
            // The noun again in lower case: the catalog's search dictionaries do not fold Cyrillic capitals under
            // the cluster's C locale, so "смартфон" would not find a title that starts "Смартфон".
            "\(brand) \(model) — \(noun.russian.lowercased()). \(spec.features[first].0) \(spec.features[second].0) "
                + closing.0,
            "\(brand) \(model) \(noun.english). \(spec.features[first].1) \(spec.features[second].1) \(closing.1)",
        ].joined(separator: "\n\n")

        // Whole roubles ending in 90, like a shop's price tags.
        let rubles = random.int(in: (noun.rubles.lowerBound / 100)...(noun.rubles.upperBound / 100)) * 100 + 90
        let variants = random.int(in: 1...min(3, spec.values.count))
        let start = random.int(in: 0...(spec.values.count - variants))
        let skus = (0..<variants).map { variant -> Sku in
            let price = rubles + variant * (rubles / 10 / 100) * 100
            var prices = [Price(currency: "RUB", minorUnits: Int64(price) * 100)]
            // Some SKUs carry the merchant's own dollar and euro prices (x.99); the rest convert at stored rates.
            if random.chance(30) {
                prices.append(Price(currency: "USD", minorUnits: Int64(price / 90) * 100 + 99))
            }
            if random.chance(30) {
                prices.append(Price(currency: "EUR", minorUnits: Int64(price / 98) * 100 + 99))
            }
            return Sku(
                code: "DEMO-\(spec.code)-\(index < 10 ? "0" : "")\(index)-\(variant + 1)",
                attributes: [spec.axis: spec.values[start + variant]],
                prices: prices,
                moscow: random.chance(10) ? 0 : random.int(in: 3...60),
                petersburg: random.chance(25) ? 0 : random.int(in: 1...30),
                packageSize: DemoSeedPackages.size(of: noun.english, variant: variant)
            )
        }
        return Product(
            category: spec.slug,
            title: title,
            description: description,
            attributes: ["brand": brand, "country": random.pick(DemoSeedWords.countries)],
            skus: skus,
            imageURLs: ["/shop/img/demo/\(spec.slug).svg"]
        )
    }

    private static func orders(for plan: Self, random: inout SplitMix64) -> [Order] {
        let skus = plan.products.flatMap(\.skus)
        // Units already held by earlier orders: an order takes at most what its SKU's larger warehouse has left,
        // whichever warehouse the reservation picks.
        var held: [String: Int] = [:]
        let paths: [[Souk_Catalog_V1_OrderStatus]] = [
            [], [.paid], [.paid, .packed], [.paid, .packed, .shipped], [.paid, .packed, .shipped, .delivered],
            [.paid, .packed, .shipped, .delivered], [.cancelled], [.paid, .refunded],
        ]
        return (0..<Self.orderCount).map { number in
            let customer = number % plan.customers.count
            let currency =
                random.chance(70) ? plan.customers[customer].currency : random.pick(["RUB", "USD", "EUR"])
            var lines: [Line] = []
            let wanted = random.int(in: 1...3)
            while lines.count < wanted {
                let sku = random.pick(skus)
                let quantity = random.int(in: 1...2)
                guard !lines.contains(where: { $0.sku == sku.code }),
                    held[sku.code, default: 0] + quantity <= max(sku.moscow, sku.petersburg)
                else { continue }
                held[sku.code, default: 0] += quantity
                lines.append(Line(sku: sku.code, quantity: quantity))
            }
            return Order(customer: customer, currency: currency, lines: lines, path: random.pick(paths))
        }
    }
}
