import Foundation
import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("ImportProducts: CSV and JSON lines streamed in chunks, one transaction per row")
struct ProductImportTests {
    /// Streams `file` in chunks of `sizes` bytes (cycling through them) and returns the response.
    static func upload(
        _ harness: IdentityHarness,
        metadata: Metadata,
        format: Souk_Catalog_V1_ImportFormat,
        file: [UInt8],
        sizes: [Int] = [1 << 20],
        publish: Bool = true
    ) async throws -> Souk_Catalog_V1_ImportProductsResponse {
        var chunks: [Data] = []
        var offset = 0
        while offset < file.count || chunks.isEmpty {
            let size = sizes[chunks.count % sizes.count]
            chunks.append(Data(file[offset..<min(file.count, offset + size)]))
            offset += size
        }
        let frozen = chunks
        let producer: @Sendable (RPCWriter<Souk_Catalog_V1_ImportProductsRequest>) async throws -> Void = { writer in
            for (index, chunk) in frozen.enumerated() {
                var message = Souk_Catalog_V1_ImportProductsRequest()
                if index == 0 {
                    message.format = format
                    message.publish = publish
                }
                message.chunk = chunk
                try await writer.write(message)
            }
        }
        return try await harness.catalog.importProducts(metadata: metadata, requestProducer: producer)
    }

    /// The published products of `kitchen`, by their first SKU's code.
    static func catalog(_ harness: IdentityHarness) async throws -> [String: Souk_Catalog_V1_Product] {
        var search = Souk_Catalog_V1_SearchProductsRequest()
        search.pageSize = 100
        let products = try await SearchFilterTests.allPages(harness, search).products
        return Dictionary(uniqueKeysWithValues: products.map { ($0.skus[0].code, $0) })
    }

    static func skuExists(_ harness: IdentityHarness, admin: Metadata, _ sku: String) async -> Bool {
        var get = Souk_Catalog_V1_GetStockRequest()
        get.sku = sku
        return (try? await harness.catalog.getStock(get, metadata: admin)) != nil
    }

    @Test("good CSV rows are committed and published; each kind of bad row is reported by line and field, unwritten")
    func csvRows() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            _ = try await SearchFilterTests.kitchen(harness, admin: admin)
            let file = [
                "category,title,description,sku,price,currency,attributes,image_url,stock",
                #"kitchen,Mug one,"A mug, with ""commas""",IMP-1,1499.00,RUB,"{""colour"":""white""}",https://img.example/1.jpg,5"#,
                "kitchen,\"Mug\ntwo\",,IMP-2,10,USD,,,",
                ",Missing category,,IMP-3,1.00,RUB,,,",
                "nowhere,Unknown slug,,IMP-4,1.00,RUB,,,",
                "kitchen,Bad price,,IMP-5,12.345,RUB,,,",
                "kitchen,Bad currency,,IMP-6,1.00,XYZ,,,",
                "kitchen,Duplicate,,IMP-1,1.00,RUB,,,",
                "kitchen,Bad attributes,,IMP-7,1.00,RUB,{not json},,",
                "kitchen,Too few,IMP-8",
                "kitchen,Yen,,IMP-9,500,JPY,,,7\r",
                "",
                "kitchen,,,IMP-10,1.00,RUB,,,",
                "kitchen,Bad stock,,IMP-11,1.00,RUB,,,-3",
                "kitchen,Bad quote,x\"y,IMP-12,1.00,RUB,,,",
            ].joined(separator: "\n")
            let response = try await Self.upload(harness, metadata: admin, format: .csv, file: Array(file.utf8))
            #expect(response.rows == 13)
            #expect(response.imported == 3)
            let reported = response.errors.map { "\($0.line) \($0.field)" }
            #expect(
                reported == [
                    "5 category", "6 category", "7 price", "8 currency", "9 sku", "10 attributes", "11 line",
                    "14 title", "15 stock", "16 line",
                ]
            )
            #expect(response.errors[0].message == "missing")
            #expect(response.errors[1].message.contains("nowhere"))
            #expect(response.errors[4].message.contains("duplicate SKU"))
            #expect(response.errors[6].message.contains("wrong column count"))

            let products = try await Self.catalog(harness)
            #expect(Set(products.keys) == ["IMP-1", "IMP-2", "IMP-9"])
            let one = try #require(products["IMP-1"])
            #expect(one.title == "Mug one")
            #expect(one.description_p == #"A mug, with "commas""#)
            #expect(one.attributes == ["colour": "white"])
            #expect(one.imageUrls == ["https://img.example/1.jpg"])
            #expect(one.skus[0].prices == [CatalogServiceTests.price(149_900, "RUB")])
            #expect(products["IMP-2"]?.title == "Mug\ntwo")
            #expect(products["IMP-2"]?.skus[0].prices == [CatalogServiceTests.price(1_000, "USD")])
            #expect(products["IMP-9"]?.skus[0].prices == [CatalogServiceTests.price(500, "JPY")])
            var stock = Souk_Catalog_V1_GetStockRequest()
            stock.sku = "IMP-1"
            let level = try await harness.catalog.getStock(stock, metadata: admin).levels
            #expect(level.map(\.warehouse) == ["MSK-1"] && level.map(\.onHand) == [5])
            stock.sku = "IMP-9"
            #expect(try await harness.catalog.getStock(stock, metadata: admin).levels.map(\.onHand) == [7])
            var search = Souk_Catalog_V1_SearchProductsRequest()
            search.query = "mug"
            #expect(
                Set(try await harness.catalog.searchProducts(search).products.map(\.skus[0].code)) == [
                    "IMP-1", "IMP-2",
                ]
            )
            for sku in ["IMP-3", "IMP-4", "IMP-5", "IMP-6", "IMP-7", "IMP-8", "IMP-10", "IMP-11", "IMP-12"] {
                #expect(await !Self.skuExists(harness, admin: admin, sku), "\(sku)")
            }
        }
    }

    @Test("chunks split mid-line, mid-quote and mid-character, CRLF and a byte-order mark give the same products")
    func chunkBoundaries() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            _ = try await SearchFilterTests.kitchen(harness, admin: admin)
            let rows = (0..<6).map { index in
                "kitchen,\"Кружка №\(index), «синяя»\r\nвторая строка\",Описание \(index),CH-\(index),\(index)99.50,RUB"
            }
            let file =
                [0xEF, 0xBB, 0xBF]
                + Array(
                    (["sku,title,description,category,price,currency"] + rows).joined(separator: "\r\n").utf8
                )
            let response = try await Self.upload(
                harness,
                metadata: admin,
                format: .csv,
                file: file,
                sizes: [1, 2, 3, 5, 7, 11]
            )
            #expect(response.rows == 6 && response.imported == 0, "the columns are in another order here")
            #expect(response.errors.map(\.line) == [2, 4, 6, 8, 10, 12], "a quoted line break moves the lines")

            let reordered =
                [0xEF, 0xBB, 0xBF]
                + Array(
                    (["category,title,description,sku,price,currency"] + rows).joined(separator: "\r\n").utf8
                )
            let imported = try await Self.upload(
                harness,
                metadata: admin,
                format: .csv,
                file: reordered,
                sizes: [1, 2, 3, 5, 7, 11]
            )
            #expect(imported.rows == 6 && imported.imported == 6 && imported.errors.isEmpty)
            let products = try await Self.catalog(harness)
            for index in 0..<6 {
                let product = try #require(products["CH-\(index)"])
                #expect(product.title == "Кружка №\(index), «синяя»\r\nвторая строка")
                #expect(product.description_p == "Описание \(index)")
                #expect(product.skus[0].prices[0].minorUnits == Int64(index) * 10_000 + 9_950)
            }
        }
    }

    @Test("JSON lines: prices as strings or exact number literals, bad lines reported, drafts unless published")
    func jsonLines() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            _ = try await SearchFilterTests.kitchen(harness, admin: admin)
            let lines = [
                #"{"category":"kitchen","title":"Чайник","sku":"JS-1","price":"2500.50","currency":"RUB","stock":3,"attributes":{"volume":"1.7 l"}}"#,
                #"{"category":"kitchen","title":"Number price","sku":"JS-2","price":19.99,"currency":"USD"}"#,
                #"{"category":"kitchen","title":"Too precise","sku":"JS-3","price":19.999,"currency":"USD"}"#,
                #"{"category":"kitchen","title":"Exponent","sku":"JS-4","price":1e3,"currency":"USD"}"#,
                #"{not json}"#,
                "   ",
                #"["an array"]"#,
                #"{"category":"kitchen","title":"Unknown","sku":"JS-6","price":"1","currency":"RUB","colour":"red"}"#,
                #"{"category":"kitchen","title":5,"sku":"JS-7","price":"1","currency":"RUB"}"#,
                #"{"category":"kitchen","title":"Yen \u00e9\ud83d\ude00","sku":"JS-5","price":1500,"currency":"JPY"}"#,
            ].joined(separator: "\n")
            let response = try await Self.upload(
                harness,
                metadata: admin,
                format: .jsonLines,
                file: Array(lines.utf8),
                sizes: [3, 1_000],
                publish: false
            )
            #expect(response.rows == 9)
            #expect(response.imported == 3)
            #expect(
                response.errors.map { "\($0.line) \($0.field)" } == [
                    "3 price", "4 price", "5 line", "7 line", "8 colour", "9 title",
                ]
            )
            let search = Souk_Catalog_V1_SearchProductsRequest()
            #expect(try await harness.catalog.searchProducts(search).products.isEmpty, "drafts: publish was not asked")
            for sku in ["JS-1", "JS-2", "JS-5"] { #expect(await Self.skuExists(harness, admin: admin, sku), "\(sku)") }
            for sku in ["JS-3", "JS-4", "JS-6", "JS-7"] {
                #expect(await !Self.skuExists(harness, admin: admin, sku), "\(sku)")
            }
            // Published this time, and checked field by field.
            let again = lines.replacingOccurrences(of: "JS-", with: "JP-")
            let published = try await Self.upload(harness, metadata: admin, format: .jsonLines, file: Array(again.utf8))
            #expect(published.imported == 3)
            let products = try await Self.catalog(harness)
            #expect(products["JP-1"]?.skus[0].prices == [CatalogServiceTests.price(250_050, "RUB")])
            #expect(products["JP-1"]?.attributes == ["volume": "1.7 l"])
            #expect(products["JP-2"]?.skus[0].prices == [CatalogServiceTests.price(1_999, "USD")])
            #expect(products["JP-5"]?.title == "Yen é😀")
            var stock = Souk_Catalog_V1_GetStockRequest()
            stock.sku = "JP-1"
            #expect(try await harness.catalog.getStock(stock, metadata: admin).levels.map(\.onHand) == [3])
        }
    }

    @Test("a missing format, a customer, a bad header and each limit are refused; earlier rows stay committed")
    func refusals() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            _ = try await SearchFilterTests.kitchen(harness, admin: admin)
            let good = "category,title,sku,price,currency\nkitchen,Fine,LIM-1,1.00,RUB\n"
            let noFormat = await rpcError {
                _ = try await Self.upload(harness, metadata: admin, format: .unspecified, file: Array(good.utf8))
            }
            #expect(noFormat?.code == .invalidArgument && noFormat?.message.hasPrefix("format:") == true)
            let denied = await rpcError {
                _ = try await Self.upload(harness, metadata: customer, format: .csv, file: Array(good.utf8))
            }
            #expect(denied?.code == .permissionDenied)
            let badHeader = await rpcError {
                _ = try await Self.upload(
                    harness,
                    metadata: admin,
                    format: .csv,
                    file: Array("category,title,sku\n".utf8)
                )
            }
            #expect(badHeader?.code == .invalidArgument && badHeader?.message.contains("'currency'") == true)

            let long = Array(good.utf8) + Array("kitchen,\(String(repeating: "x", count: 70_000)),LIM-2,1,RUB\n".utf8)
            let tooLong = await rpcError {
                _ = try await Self.upload(harness, metadata: admin, format: .csv, file: long, sizes: [4_096])
            }
            #expect(tooLong?.code == .invalidArgument)
            #expect(tooLong?.message.contains("line 3 is longer than 64 KiB") == true, "\(String(describing: tooLong))")
            #expect(await Self.skuExists(harness, admin: admin, "LIM-1"), "the row before the limit stays committed")

            // 100,001 rows that each fail quickly (no such category) trip the row limit.
            let manyRows =
                "category,title,sku,price,currency\n"
                + String(repeating: "none,T,LIM-X,1,RUB\n", count: 100_001)
            let tooMany = await rpcError {
                _ = try await Self.upload(harness, metadata: admin, format: .csv, file: Array(manyRows.utf8))
            }
            #expect(tooMany?.code == .invalidArgument)
            #expect(tooMany?.message.contains("more than 100000 rows") == true, "\(String(describing: tooMany))")

            // Over 64 MiB of blank lines (no rows at all) trips the size limit.
            let blank = Array(repeating: UInt8(ascii: " "), count: 1_023) + [UInt8(ascii: "\n")]
            let big = Array([[UInt8]](repeating: blank, count: 64 * 1_024 + 1).joined())
            let tooBig = await rpcError {
                _ = try await Self.upload(harness, metadata: admin, format: .jsonLines, file: big)
            }
            #expect(tooBig?.code == .invalidArgument)
            #expect(tooBig?.message.contains("larger than 64 MiB") == true, "\(String(describing: tooBig))")
        }
    }
}
