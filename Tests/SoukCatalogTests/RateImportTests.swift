import Foundation
import GRPCCore
import SoukAPI
import SoukCatalog
import TestSupport
import Testing

@Suite("Rate import: publishers' files into the rate table, once, all or nothing")
struct RateImportTests {
    /// An ECB file in the shipped snapshot's format, for `day`.
    static func ecb(day: String, usd: String = "1.0705") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
          <gesmes:subject>Reference rates</gesmes:subject>
          <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
          <Cube>
            <Cube time='\(day)'>
              <Cube currency='USD' rate='\(usd)'/><Cube currency='JPY' rate='171.94'/><Cube currency='GBP' rate='0.84638'/>
              <Cube currency='CHF' rate='0.9627'/><Cube currency='CNY' rate='7.7748'/><Cube currency='INR' rate='89.2495'/>
              <Cube currency='KRW' rate='1476.48'/><Cube currency='TRY' rate='35.1284'/>
            </Cube>
          </Cube>
        </gesmes:Envelope>
        """
    }

    /// A CBR file in the shipped snapshot's format (windows-1251), for `day` as `DD.MM.YYYY`.
    static func cbr(day: String, eur: String = "91,7919") -> Data {
        let text = """
            <?xml version="1.0" encoding="windows-1251"?>
            <ValCurs Date="\(day)" name="Foreign Currency Market">
            <Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal><Name>Доллар США</Name><Value>85,7480</Value></Valute>
            <Valute ID="R01239"><NumCode>978</NumCode><CharCode>EUR</CharCode><Nominal>1</Nominal><Name>Евро</Name><Value>\(eur)</Value></Valute>
            <Valute ID="R01335"><NumCode>398</NumCode><CharCode>KZT</CharCode><Nominal>100</Nominal><Name>Тенге</Name><Value>18,2312</Value></Valute>
            </ValCurs>
            """
        return text.data(using: .windowsCP1251) ?? Data()
    }

    /// Writes `data` to `name` in `folder` and reads it back, as `soukd import-rates` reads a path.
    static func feed(
        _ format: RateImport.Format,
        _ data: Data,
        as name: String,
        in folder: String
    ) throws
        -> RateImport.Feed
    {
        let path = "\(folder)/\(name)"
        try data.write(to: URL(fileURLWithPath: path))
        return RateImport.Feed(format: format, name: path, data: try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("a file is imported once: the same file again stores nothing new, and the shipped snapshot is already there")
    func importOnce() async throws {
        try await IdentityHarness.with { harness in
            try await withTemporaryDirectory { folder in
                try await TestDatabase.withClient(harness.databaseURL) { client in
                    let importer = RateImport(postgres: client)
                    let newer = try Self.feed(.ecb, Data(Self.ecb(day: "2024-07-01").utf8), as: "ecb.xml", in: folder)
                    let first = try await importer.run([newer])
                    #expect(first == [.init(format: .ecb, effectiveDate: "2024-07-01", imported: 8, alreadyStored: 0)])
                    let again = try await importer.run([newer])
                    #expect(again == [.init(format: .ecb, effectiveDate: "2024-07-01", imported: 0, alreadyStored: 8)])

                    // The host imported the shipped snapshot on its first start.
                    let snapshot = try Self.feed(
                        .ecb,
                        Data(Self.ecb(day: "2024-06-28").utf8),
                        as: "snapshot.xml",
                        in: folder
                    )
                    let cbr = try Self.feed(.cbr, Self.cbr(day: "28.06.2024"), as: "cbr.xml", in: folder)
                    let shipped = try await importer.run([snapshot, cbr])
                    #expect(
                        shipped == [
                            .init(format: .ecb, effectiveDate: "2024-06-28", imported: 0, alreadyStored: 8),
                            .init(format: .cbr, effectiveDate: "2024-06-28", imported: 0, alreadyStored: 3),
                        ]
                    )
                }
            }
        }
    }

    @Test(
        "malformed XML, another publisher's file or no supported currency is refused naming the file; nothing is written",
        arguments: [
            (RateImport.Format.cbr, Data("<ValCurs Date=\"01.07.2024\"><Valute>".utf8), "not well-formed XML"),
            // Cut off after two complete rates: a partial day is not imported.
            (
                RateImport.Format.ecb, Data(RateImportTests.ecb(day: "2024-07-01").utf8.prefix(420)),
                "not well-formed XML"
            ),
            (RateImport.Format.cbr, Data(RateImportTests.ecb(day: "2024-07-01").utf8), "not a valid CBR rate file"),
            (RateImport.Format.ecb, Data("<html><body>Not found</body></html>".utf8), "not a valid ECB rate file"),
            (
                RateImport.Format.ecb,
                Data("<Cube><Cube time='2024-07-01'><Cube currency='XXX' rate='1'/></Cube></Cube>".utf8),
                "no ECB rate of a supported currency"
            ),
        ]
    )
    func refused(format: RateImport.Format, data: Data, message: String) async throws {
        try await IdentityHarness.with { harness in
            try await withTemporaryDirectory { folder in
                try await TestDatabase.withClient(harness.databaseURL) { client in
                    let importer = RateImport(postgres: client)
                    let good = try Self.feed(.ecb, Data(Self.ecb(day: "2024-07-01").utf8), as: "good.xml", in: folder)
                    let bad = try Self.feed(format, data, as: "bad.xml", in: folder)
                    do {
                        _ = try await importer.run([good, bad])
                        Issue.record("a bad file was accepted")
                    } catch let error as CatalogError {
                        #expect(error.code == .invalidArgument)
                        #expect(error.message.hasPrefix("\(folder)/bad.xml: "), "\(error.message)")
                        #expect(error.message.contains(message), "\(error.message)")
                    }
                    // The good file beside it was not written either.
                    #expect(try await importer.run([good]).first?.imported == 8)
                }
            }
        }
    }

    @Test("over any rate store: what the store holds is counted as already stored, and a failed write fails the import")
    func countsWhatTheStoreHolds() async throws {
        let store = InMemoryRateStore()
        let importer = RateImport(store: store)
        let feed = RateImport.Feed(format: .ecb, name: "ecb.xml", data: Data(Self.ecb(day: "2024-07-01").utf8))
        #expect(
            try await importer.run([feed]) == [
                .init(format: .ecb, effectiveDate: "2024-07-01", imported: 8, alreadyStored: 0)
            ]
        )
        #expect(await store.stored.count == 8)
        #expect(
            try await importer.run([feed]) == [
                .init(format: .ecb, effectiveDate: "2024-07-01", imported: 0, alreadyStored: 8)
            ]
        )

        let failing = RateImport(store: InMemoryRateStore(failingWritesWith: CatalogError(.unavailable, "down")))
        await #expect(throws: CatalogError.self) { try await failing.run([feed]) }
    }

    @Test("rates of a newer date convert prices from then on")
    func newerRateWins() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var kitchen = Souk_Catalog_V1_CreateCategoryRequest()
            kitchen.name = "Kitchen"
            kitchen.slug = "kitchen"
            let category = try await harness.catalog.createCategory(kitchen, metadata: admin)
            var product = CatalogServiceTests.mug(category: category.id)
            product.skus[0].prices = [CatalogServiceTests.price(129_000, "RUB")]
            let created = try await harness.catalog.createProduct(product, metadata: admin)
            var get = Souk_Catalog_V1_GetProductRequest()
            get.productID = created.id
            get.currency = "EUR"
            // 1290.00 RUB at the snapshot's 91.7919 RUB per EUR.
            #expect(
                try await harness.catalog.getProduct(get, metadata: admin).skus[0].displayPrice
                    == CatalogServiceTests.price(1_405, "EUR")
            )
            try await withTemporaryDirectory { folder in
                try await TestDatabase.withClient(harness.databaseURL) { client in
                    let feed = try Self.feed(
                        .cbr,
                        Self.cbr(day: "01.07.2024", eur: "100,0000"),
                        as: "cbr.xml",
                        in: folder
                    )
                    let outcome = try await RateImport(postgres: client).run([feed])
                    #expect(
                        outcome == [.init(format: .cbr, effectiveDate: "2024-07-01", imported: 3, alreadyStored: 0)]
                    )
                }
            }
            // Stored by another client, as `soukd import-rates` does: the host hears of it at its commit (the rates'
            // notification) and converts at the new rate from then on.
            let deadline = ContinuousClock.now + .seconds(30)
            var shown = try await harness.catalog.getProduct(get, metadata: admin).skus[0].displayPrice
            while shown != CatalogServiceTests.price(1_290, "EUR"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                shown = try await harness.catalog.getProduct(get, metadata: admin).skus[0].displayPrice
            }
            #expect(shown == CatalogServiceTests.price(1_290, "EUR"))
        }
    }
}
