import Foundation
import SoukAPI
import SoukAccess
import SoukMoney

/// Checks a new product field by field; each failure is INVALID_ARGUMENT naming the field, before anything is
/// written. CreateProduct, UpdateProduct and the import share these rules.
enum ProductValidation {
    /// The largest price accepted, in minor units.
    static let maxMinorUnits: Int64 = 1_000_000_000_000

    static func record(from request: Souk_Catalog_V1_CreateProductRequest) throws -> ProductRecord {
        let category = try CatalogService.id(request.categoryID, field: "category_id")
        let title = try Self.title(request.title, field: "title")
        try Self.description(request.description_p, field: "description")
        try Self.imageURLs(request.imageUrls, field: "image_urls")
        try Self.attributes(request.attributes, field: "attributes")
        guard (1...100).contains(request.skus.count) else { throw CatalogError.invalidArgument("skus: 1-100 SKUs") }
        var codes: Set<String> = []
        let skus = try request.skus.enumerated().map { index, sku -> ProductRecord.SkuRecord in
            let field = "skus[\(index)]"
            try Self.skuCode(sku.code, field: "\(field).code")
            guard codes.insert(sku.code).inserted else {
                throw CatalogError.invalidArgument("\(field).code: \(sku.code) appears twice")
            }
            try Self.attributes(sku.attributes, field: "\(field).attributes")
            let prices = try Self.prices(sku.prices, field: "\(field).prices")
            return ProductRecord.SkuRecord(
                code: sku.code,
                attributes: sku.attributes,
                prices: prices,
                packageSize: try Self.packageSize(sku.package, field: "\(field).package")
            )
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

    /// The changes an UpdateProduct request asks for, checked by the same rules as a new product.
    static func change(from request: Souk_Catalog_V1_UpdateProductRequest) throws -> ProductChange {
        var change = ProductChange(id: try CatalogService.id(request.productID, field: "product_id"))
        if request.hasTitle { change.title = try Self.title(request.title, field: "title") }
        if request.hasDescription_p {
            try Self.description(request.description_p, field: "description")
            change.description = request.description_p
        }
        if request.hasCategoryID { change.categoryID = try CatalogService.id(request.categoryID, field: "category_id") }
        if request.hasImageUrls {
            try Self.imageURLs(request.imageUrls.urls, field: "image_urls.urls")
            change.imageURLs = request.imageUrls.urls
        }
        if request.hasAttributes {
            try Self.attributes(request.attributes.values, field: "attributes.values")
            change.attributes = request.attributes.values
        }
        guard request.skuPrices.count <= 100 else { throw CatalogError.invalidArgument("sku_prices: at most 100") }
        var codes: Set<String> = []
        for (index, entry) in request.skuPrices.enumerated() {
            let field = "sku_prices[\(index)]"
            try Self.skuCode(entry.sku, field: "\(field).sku")
            guard codes.insert(entry.sku).inserted else {
                throw CatalogError.invalidArgument("\(field).sku: \(entry.sku) appears twice")
            }
            change.skuPrices.append((entry.sku, try Self.prices(entry.prices, field: "\(field).prices")))
        }
        guard request.skuPackages.count <= 100 else { throw CatalogError.invalidArgument("sku_packages: at most 100") }
        var packaged: Set<String> = []
        for (index, entry) in request.skuPackages.enumerated() {
            let field = "sku_packages[\(index)]"
            try Self.skuCode(entry.sku, field: "\(field).sku")
            guard packaged.insert(entry.sku).inserted else {
                throw CatalogError.invalidArgument("\(field).sku: \(entry.sku) appears twice")
            }
            change.skuPackages.append((entry.sku, try Self.packageSize(entry.package, field: "\(field).package")))
        }
        change.unpublish = request.unpublish
        return change
    }

    // MARK: Fields

    /// The title without surrounding white space: 1-200 characters.
    static func title(_ text: String, field: String) throws -> String {
        let title = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(title.count) else { throw CatalogError.invalidArgument("\(field): 1-200 characters") }
        return title
    }

    static func description(_ text: String, field: String) throws {
        guard text.count <= 5000 else { throw CatalogError.invalidArgument("\(field): at most 5000 characters") }
    }

    static func imageURLs(_ urls: [String], field: String) throws {
        guard urls.count <= 20 else { throw CatalogError.invalidArgument("\(field): at most 20") }
        for (index, url) in urls.enumerated() { try Self.imageURL(url, field: "\(field)[\(index)]") }
    }

    /// An https URL, or a path on the shop's own web root ("/shop/img/demo/cookware.svg": letters, digits, "/", ".",
    /// "_" and "-", no ".." and no "//"), at most 500 characters.
    static func imageURL(_ url: String, field: String) throws {
        let refusal = CatalogError.invalidArgument(
            "\(field): an https URL or a path on the shop's web root (/…), at most 500 characters"
        )
        guard url.count <= 500 else { throw refusal }
        if url.hasPrefix("/") {
            guard url.range(of: #"^(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$"#, options: .regularExpression) != nil,
                !url.contains("..")
            else { throw refusal }
            return
        }
        guard let parsed = URL(string: url), parsed.scheme == "https", parsed.host != nil else { throw refusal }
    }

    static func attributes(_ attributes: [String: String], field: String) throws {
        guard attributes.count <= 50,
            attributes.allSatisfy({ (1...64).contains($0.key.count) && $0.value.count <= 500 })
        else { throw CatalogError.invalidArgument("\(field): at most 50, names 1-64 and values up to 500 characters") }
    }

    static func skuCode(_ code: String, field: String) throws {
        guard code.range(of: #"^[A-Z0-9][A-Z0-9-]{1,40}$"#, options: .regularExpression) != nil else {
            throw CatalogError.invalidArgument("\(field): 2-41 of A-Z 0-9 -")
        }
    }

    /// A SKU's prices: at least one (the first is the base), supported currencies each at most once, amounts
    /// 0 to 10^12 minor units.
    static func prices(_ prices: [Souk_Catalog_V1_Money], field: String) throws -> [Money] {
        guard !prices.isEmpty else { throw CatalogError.invalidArgument("\(field): give at least the base price") }
        var currencies: Set<String> = []
        return try prices.enumerated().map { index, price -> Money in
            let priceField = "\(field)[\(index)]"
            guard let currency = Currency.supported[price.currency] else {
                throw CatalogError.invalidArgument(
                    "\(priceField).currency: '\(price.currency.prefix(8))' is not supported"
                )
            }
            try Self.minorUnits(price.minorUnits, field: "\(priceField).minor_units")
            guard currencies.insert(price.currency).inserted else {
                throw CatalogError.invalidArgument("\(priceField).currency: \(price.currency) appears twice")
            }
            return Money(minorUnits: price.minorUnits, currency: currency)
        }
    }

    /// A package size: weight 0 to 10^6 grams, each side 0 to 10^4 millimetres (0: not said).
    static func packageSize(_ size: Souk_Catalog_V1_PackageSize, field: String) throws -> PackageSize {
        guard (0...PackageSize.maxWeightGrams).contains(Int(size.weightGrams)) else {
            throw CatalogError.invalidArgument("\(field).weight_grams: 0 to 1000000 grams (0: not said)")
        }
        for (side, value) in [("length_mm", size.lengthMm), ("width_mm", size.widthMm), ("height_mm", size.heightMm)] {
            guard (0...PackageSize.maxSideMillimetres).contains(Int(value)) else {
                throw CatalogError.invalidArgument("\(field).\(side): 0 to 10000 millimetres (0: not said)")
            }
        }
        return PackageSize(
            weightGrams: Int(size.weightGrams),
            lengthMillimetres: Int(size.lengthMm),
            widthMillimetres: Int(size.widthMm),
            heightMillimetres: Int(size.heightMm)
        )
    }

    static func minorUnits(_ minor: Int64, field: String) throws {
        guard minor >= 0, minor <= Self.maxMinorUnits else {
            throw CatalogError.invalidArgument("\(field): 0 to 10^12")
        }
    }
}
