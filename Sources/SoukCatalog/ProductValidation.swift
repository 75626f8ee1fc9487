import Foundation
import SoukAPI
import SoukMoney

/// Checks a new product field by field; each failure is INVALID_ARGUMENT naming the field, before anything is
/// written.
enum ProductValidation {
    static func record(from request: Souk_Catalog_V1_CreateProductRequest) throws -> ProductRecord {
        let category = try CatalogService.id(request.categoryID, field: "category_id")
        let title = request.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(title.count) else { throw CatalogError.invalidArgument("title: 1-200 characters") }
        guard request.description_p.count <= 5000 else {
            throw CatalogError.invalidArgument("description: at most 5000 characters")
        }
        guard request.imageUrls.count <= 20 else { throw CatalogError.invalidArgument("image_urls: at most 20") }
        for (index, url) in request.imageUrls.enumerated() {
            guard url.count <= 500, let parsed = URL(string: url), parsed.scheme == "https", parsed.host != nil else {
                throw CatalogError.invalidArgument("image_urls[\(index)]: an https URL of at most 500 characters")
            }
        }
        try Self.attributes(request.attributes, field: "attributes")
        guard (1...100).contains(request.skus.count) else { throw CatalogError.invalidArgument("skus: 1-100 SKUs") }
        var codes: Set<String> = []
        let skus = try request.skus.enumerated().map { index, sku -> ProductRecord.SkuRecord in
            let field = "skus[\(index)]"
            guard sku.code.range(of: #"^[A-Z0-9][A-Z0-9-]{1,40}$"#, options: .regularExpression) != nil else {
                throw CatalogError.invalidArgument("\(field).code: 2-41 of A-Z 0-9 -")
            }
            guard codes.insert(sku.code).inserted else {
                throw CatalogError.invalidArgument("\(field).code: \(sku.code) appears twice")
            }
            try Self.attributes(sku.attributes, field: "\(field).attributes")
            guard !sku.prices.isEmpty else {
                throw CatalogError.invalidArgument("\(field).prices: give at least the base price")
            }
            var currencies: Set<String> = []
            let prices = try sku.prices.enumerated().map { priceIndex, price -> Money in
                let priceField = "\(field).prices[\(priceIndex)]"
                guard let currency = Currency.supported[price.currency] else {
                    throw CatalogError.invalidArgument(
                        "\(priceField).currency: '\(price.currency.prefix(8))' is not supported"
                    )
                }
                guard price.minorUnits >= 0, price.minorUnits <= 1_000_000_000_000 else {
                    throw CatalogError.invalidArgument("\(priceField).minor_units: 0 to 10^12")
                }
                guard currencies.insert(price.currency).inserted else {
                    throw CatalogError.invalidArgument("\(priceField).currency: \(price.currency) appears twice")
                }
                return Money(minorUnits: price.minorUnits, currency: currency)
            }
            return ProductRecord.SkuRecord(code: sku.code, attributes: sku.attributes, prices: prices)
        }
        return ProductRecord(
            id: UUID(),
            categoryID: category,
            title: title,
            description: request.description_p,
            imageURLs: request.imageUrls,
            attributes: request.attributes,
            published: false,
            skus: skus
        )
    }

    private static func attributes(_ attributes: [String: String], field: String) throws {
        guard attributes.count <= 50,
            attributes.allSatisfy({ (1...64).contains($0.key.count) && $0.value.count <= 500 })
        else { throw CatalogError.invalidArgument("\(field): at most 50, names 1-64 and values up to 500 characters") }
    }
}
