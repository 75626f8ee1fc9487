import Foundation
package import GRPCCore
package import SoukAPI
import SoukMoney

extension CatalogService {
    /// The longest line (a CSV record, quoted line breaks included) an import accepts.
    static let importMaxLineBytes = 64 << 10
    /// The most data rows an import accepts.
    static let importMaxRows = 100_000
    /// The largest file an import accepts.
    static let importMaxBytes = 64 << 20

    /// Changes the fields the request sets, in one transaction, and returns the product with its base prices.
    ///
    /// Checked by CreateProduct's rules (INVALID_ARGUMENT naming the field); an unknown product, category, or a
    /// SKU of another product is NOT_FOUND; on any refusal nothing changes.
    package func updateProduct(
        request: Souk_Catalog_V1_UpdateProductRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Product {
        var request = request
        request.productID = try await self.productID(request.productID).uuidString
        let change = try ProductValidation.change(from: request)
        try await self.store.update(change)
        guard let record = try await self.store.product(change.id) else {
            throw CatalogError.notFound("product_id: no product \(request.productID)")
        }
        return try self.message(for: record, currency: nil, rates: RateBook())
    }

    /// Imports a CSV or JSON-lines file streamed in chunks: each data row becomes a product with one SKU,
    /// committed in its own transaction; a bad row is reported with its line and field and nothing of it is
    /// written.
    ///
    /// The first message names the format (INVALID_ARGUMENT `format` otherwise) and whether to publish. A CSV
    /// file starts with a header naming its columns (`category`, `title`, `sku`, `price`, `currency` required;
    /// `description`, `attributes`, `image_url`, `stock` optional). Lines may span chunks, a character may be
    /// split between chunks, and blank lines are skipped.
    ///
    /// - Throws: INVALID_ARGUMENT naming the limit when a line is over 64 KiB, the file has more than 100,000
    ///   rows or is over 64 MiB, or the CSV header is unusable. The rows committed before the call failed stay
    ///   committed: the import is not one transaction, so a client resuming a failed import should skip them.
    package func importProducts(
        request: RPCAsyncSequence<Souk_Catalog_V1_ImportProductsRequest, any Error>,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ImportProductsResponse {
        var messages = request.makeAsyncIterator()
        let first = try await messages.next()
        guard let first, first.format == .csv || first.format == .jsonLines else {
            throw CatalogError.invalidArgument("format: the first message must name the format, CSV or JSON_LINES")
        }
        var state = ImportState(
            format: first.format,
            isPublishing: first.publish,
            categories: try await self.store.categoriesBySlug()
        )
        var reader = ProductImportReader(
            isCSV: first.format == .csv,
            maxRecordBytes: Self.importMaxLineBytes,
            maxTotalBytes: Self.importMaxBytes
        )
        var next: Souk_Catalog_V1_ImportProductsRequest? = first
        while let message = next {
            guard message.format == .unspecified || message.format == state.format else {
                throw CatalogError.invalidArgument("format: a later message names another format")
            }
            let records: [ProductImportReader.Record]
            do {
                records = try reader.append(message.chunk)
            } catch {
                throw CatalogError.invalidArgument("chunk: \(error.message)")
            }
            for record in records { try await self.importRecord(record, state: &state) }
            next = try await messages.next()
        }
        let last: ProductImportReader.Record?
        do {
            last = try reader.finish()
        } catch {
            throw CatalogError.invalidArgument("chunk: \(error.message)")
        }
        if let last { try await self.importRecord(last, state: &state) }
        return state.response
    }

    private func importRecord(_ record: ProductImportReader.Record, state: inout ImportState) async throws {
        let isCSV = state.format == .csv
        guard let header = state.header else {
            state.header = try Self.header(record)
            return
        }
        let whiteSpace: Set<UInt8> = [0x20, 0x09]
        guard !record.bytes.allSatisfy(whiteSpace.contains) else { return }
        state.response.rows += 1
        guard state.response.rows <= Self.importMaxRows else {
            throw CatalogError.invalidArgument("chunk: more than \(Self.importMaxRows) rows (line \(record.line))")
        }
        do {
            let row = isCSV ? try Self.csvRow(record, header: header) : try Self.jsonRow(record)
            let (product, stock) = try row.product(categories: state.categories, publish: state.isPublishing)
            do {
                try await self.store.insertImported(product, stock: stock)
            } catch let error as CatalogError where error.code == .alreadyExists {
                let code = product.skus.first?.code ?? ""
                throw ProductImportRow.Failure(
                    field: "sku",
                    message: "duplicate SKU: \(code) is already in the catalog or on an earlier line"
                )
            }
            state.response.imported += 1
        } catch let failure as ProductImportRow.Failure {
            var error = Souk_Catalog_V1_ImportRowError()
            error.line = Int32(clamping: record.line)
            error.field = failure.field
            error.message = failure.message
            state.response.errors.append(error)
        }
    }

    /// The column names on line 1, lower-cased; an unknown, repeated or missing column fails the import.
    private static func header(_ record: ProductImportReader.Record) throws -> [String] {
        let names: [String]
        do {
            names = try ProductImportCSV.fields(record.bytes).map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
        } catch {
            throw CatalogError.invalidArgument("chunk: the header on line 1 is not CSV: \(error.message)")
        }
        let known = ProductImportRow.columns.joined(separator: ", ")
        if let unknown = names.first(where: { !ProductImportRow.columns.contains($0) }) {
            throw CatalogError.invalidArgument(
                "chunk: line 1 must be the header; '\(unknown.prefix(40))' is not a column (use \(known))"
            )
        }
        guard Set(names).count == names.count else {
            throw CatalogError.invalidArgument("chunk: the header on line 1 names a column twice")
        }
        if let missing = ProductImportRow.requiredColumns.sorted().first(where: { !names.contains($0) }) {
            throw CatalogError.invalidArgument("chunk: the header on line 1 lacks the column '\(missing)'")
        }
        return names
    }

    private static func csvRow(
        _ record: ProductImportReader.Record,
        header: [String]
    ) throws(ProductImportRow.Failure) -> ProductImportRow {
        let fields: [String]
        do {
            fields = try ProductImportCSV.fields(record.bytes)
        } catch {
            throw ProductImportRow.Failure(field: "line", message: "bad CSV: \(error.message)")
        }
        guard fields.count == header.count else {
            throw ProductImportRow.Failure(
                field: "line",
                message: "wrong column count: \(fields.count) fields where the header has \(header.count)"
            )
        }
        var values: [String: ProductImportJSON.Value] = [:]
        for (name, field) in zip(header, fields) { values[name] = .string(field) }
        return ProductImportRow(values: values)
    }

    private static func jsonRow(
        _ record: ProductImportReader.Record
    ) throws(ProductImportRow.Failure) -> ProductImportRow {
        let value: ProductImportJSON.Value
        do {
            value = try ProductImportJSON.parse(record.bytes)
        } catch {
            throw ProductImportRow.Failure(field: "line", message: "bad JSON: \(error.message)")
        }
        guard case .object(let values) = value else {
            throw ProductImportRow.Failure(field: "line", message: "bad JSON: not an object")
        }
        return ProductImportRow(values: values)
    }
}

/// What an import has read so far.
private struct ImportState {
    var format: Souk_Catalog_V1_ImportFormat
    var isPublishing: Bool
    var categories: [String: UUID]
    /// The CSV header's columns once line 1 is read; empty for JSON lines.
    var header: [String]?
    var response = Souk_Catalog_V1_ImportProductsResponse()

    init(format: Souk_Catalog_V1_ImportFormat, isPublishing: Bool, categories: [String: UUID]) {
        self.format = format
        self.isPublishing = isPublishing
        self.categories = categories
        self.header = format == .csv ? nil : []
    }
}
