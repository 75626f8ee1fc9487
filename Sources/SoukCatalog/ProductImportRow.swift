import Foundation
import SoukMoney

/// One data row of an import: its values by column (CSV fields are strings; JSON keeps its types), checked by
/// the same rules as CreateProduct and turned into a product with one SKU.
struct ProductImportRow {
    /// Why a row was rejected: the column at fault and what is wrong with it.
    struct Failure: Error {
        var field: String
        var message: String
    }

    /// Every column an import may have, in the order the documentation lists them.
    static let columns = [
        "category", "title", "description", "sku", "price", "currency", "attributes", "image_url", "stock",
        "weight_grams", "length_mm", "width_mm", "height_mm",
    ]
    /// The columns every row must fill.
    static let requiredColumns: Set<String> = ["category", "title", "sku", "price", "currency"]

    var values: [String: ProductImportJSON.Value]

    /// The product this row describes, and its stock in MSK-1 if the row gives one.
    func product(categories: [String: UUID], publish: Bool) throws(Failure) -> (ProductRecord, stock: Int?) {
        if let unknown = self.values.keys.sorted().first(where: { !Self.columns.contains($0) }) {
            throw Failure(field: unknown, message: "not a column; use \(Self.columns.joined(separator: ", "))")
        }
        let slug = try self.required("category")
        guard let category = categories[slug] else {
            throw Failure(field: "category", message: "no category with the slug '\(slug.prefix(64))'")
        }
        let rawTitle = try self.required("title")
        let title = try Self.checked("title") { try ProductValidation.title(rawTitle, field: "title") }
        let description = try self.optional("description") ?? ""
        try Self.checked("description") { try ProductValidation.description(description, field: "description") }
        let code = try self.required("sku")
        try Self.checked("sku") { try ProductValidation.skuCode(code, field: "sku") }
        let currencyCode = try self.required("currency")
        guard let currency = Currency.supported[currencyCode] else {
            throw Failure(field: "currency", message: "'\(currencyCode.prefix(8))' is not supported")
        }
        let price = try self.price(currency)
        let attributes = try self.attributes()
        let imageURL = try self.optional("image_url")
        if let imageURL {
            try Self.checked("image_url") { try ProductValidation.imageURL(imageURL, field: "image_url") }
        }
        let stock = try self.stock()
        let size = PackageSize(
            weightGrams: try self.whole("weight_grams", upTo: PackageSize.maxWeightGrams, unit: "grams") ?? 0,
            lengthMillimetres: try self.whole("length_mm", upTo: PackageSize.maxSideMillimetres, unit: "millimetres")
                ?? 0,
            widthMillimetres: try self.whole("width_mm", upTo: PackageSize.maxSideMillimetres, unit: "millimetres")
                ?? 0,
            heightMillimetres: try self.whole("height_mm", upTo: PackageSize.maxSideMillimetres, unit: "millimetres")
                ?? 0
        )
        let record = ProductRecord(
            id: UUID(),
            categoryID: category,
            title: title,
            description: description,
            imageURLs: imageURL.map { [$0] } ?? [],
            attributes: attributes,
            published: publish,
            skus: [ProductRecord.SkuRecord(code: code, attributes: [:], prices: [price], packageSize: size)]
        )
        return (record, stock)
    }

    private func price(_ currency: Currency) throws(Failure) -> Money {
        let text: String
        switch self.values["price"] {
        case .number(let literal): text = literal
        case .string(let string) where !string.trimmingCharacters(in: .whitespaces).isEmpty:
            text = string.trimmingCharacters(in: .whitespaces)
        case nil, .null, .string: throw Failure(field: "price", message: "missing")
        default: throw Failure(field: "price", message: "a decimal such as 1499.00, as a string or a number")
        }
        guard let money = try? Money(parsing: text, currency: currency) else {
            throw Failure(
                field: "price",
                message:
                    "'\(text.prefix(40))' is not a price in \(currency) (digits, at most \(currency.exponent) decimals)"
            )
        }
        guard money.minorUnits >= 0, money.minorUnits <= ProductValidation.maxMinorUnits else {
            throw Failure(field: "price", message: "0 to 10^12 minor units")
        }
        return money
    }

    private func attributes() throws(Failure) -> [String: String] {
        let value: ProductImportJSON.Value
        switch self.values["attributes"] {
        case nil, .null: return [:]
        case .string(let text) where text.trimmingCharacters(in: .whitespaces).isEmpty: return [:]
        case .string(let text):
            do {
                value = try ProductImportJSON.parse(Array(text.utf8))
            } catch {
                throw Failure(field: "attributes", message: "bad JSON: \(error.message)")
            }
        case .some(let other): value = other
        }
        guard case .object(let members) = value else {
            throw Failure(field: "attributes", message: "a JSON object of strings")
        }
        var attributes: [String: String] = [:]
        for (name, member) in members {
            guard case .string(let text) = member else {
                throw Failure(field: "attributes", message: "'\(name.prefix(64))' is not a string")
            }
            attributes[name] = text
        }
        try Self.checked("attributes") { try ProductValidation.attributes(attributes, field: "attributes") }
        return attributes
    }

    private func stock() throws(Failure) -> Int? {
        let text: String
        switch self.values["stock"] {
        case nil, .null: return nil
        case .number(let literal): text = literal
        case .string(let string):
            text = string.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
        default: text = ""
        }
        guard let units = Int(text), (0...1_000_000_000).contains(units) else {
            throw Failure(field: "stock", message: "a whole number of units, 0 to 10^9")
        }
        return units
    }

    /// A whole number 0...`limit` in `field` (a JSON number or a string of digits); nil when absent or empty.
    private func whole(_ field: String, upTo limit: Int, unit: String) throws(Failure) -> Int? {
        let text: String
        switch self.values[field] {
        case nil, .null: return nil
        case .number(let literal): text = literal
        case .string(let string):
            text = string.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
        default: text = ""
        }
        guard text.allSatisfy({ ("0"..."9").contains($0) }), let value = Int(text), (0...limit).contains(value) else {
            throw Failure(field: field, message: "a whole number of \(unit), 0 to \(limit) (0: not said)")
        }
        return value
    }

    private func required(_ field: String) throws(Failure) -> String {
        guard let text = try self.optional(field) else { throw Failure(field: field, message: "missing") }
        return text
    }

    /// The text of a string column; nil when absent, null or empty.
    private func optional(_ field: String) throws(Failure) -> String? {
        switch self.values[field] {
        case nil, .null: return nil
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : (field == "title" || field == "description" ? text : trimmed)
        default: throw Failure(field: field, message: "must be a string")
        }
    }

    /// Runs a ``ProductValidation`` check and turns its INVALID_ARGUMENT into a row failure for `field`.
    private static func checked<T>(_ field: String, _ check: () throws -> T) throws(Failure) -> T {
        do {
            return try check()
        } catch let error as CatalogError {
            let prefix = "\(field): "
            let message =
                error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
            throw Failure(field: field, message: message)
        } catch {
            throw Failure(field: field, message: "invalid")
        }
    }
}
