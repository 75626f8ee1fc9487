import Foundation
import SoukStorage
import Testing

@testable import SoukCatalog

@Suite("ProductCache: what it keeps, what it drops, and when it serves")
struct ProductCacheTests {
    static func record(_ id: UUID = UUID(), title: String = "Mug", skus: [String] = ["MUG-1"]) -> ProductRecord {
        ProductRecord(
            id: id,
            categoryID: UUID(),
            title: title,
            description: "",
            imageURLs: [],
            attributes: [:],
            published: true,
            skus: skus.map { .init(code: $0, attributes: [:], prices: []) }
        )
    }

    /// A serving cache holding `records`.
    static func serving(_ records: [ProductRecord], capacity: Int = 100) -> ProductCache {
        let cache = ProductCache(capacity: capacity)
        cache.startServing()
        cache.keep(records, readAt: cache.lookup([]).generation)
        return cache
    }

    @Test("a kept record is found, an unknown id is to be read, and the counts say so")
    func hitsAndMisses() {
        let mug = Self.record()
        let unknown = UUID()
        let cache = Self.serving([mug])
        let lookup = cache.lookup([mug.id, unknown])
        #expect(lookup.found[mug.id]?.title == "Mug")
        #expect(lookup.missing == [unknown])
        #expect(cache.counts == .init(hits: 1, misses: 1))
    }

    @Test("not serving: every lookup misses and nothing read is kept")
    func notServing() {
        let cache = ProductCache()
        let mug = Self.record()
        cache.keep([mug], readAt: cache.lookup([mug.id]).generation)
        #expect(cache.count == 0)
        #expect(cache.lookup([mug.id]).missing == [mug.id])
        cache.startServing()
        cache.keep([mug], readAt: cache.lookup([mug.id]).generation)
        #expect(cache.lookup([mug.id]).missing.isEmpty)
        cache.stopServing()
        #expect(cache.count == 0)
        #expect(cache.lookup([mug.id]).missing == [mug.id])
    }

    @Test("a read that raced an invalidation is not kept: it may predate the change")
    func racingRead() {
        let cache = ProductCache()
        cache.startServing()
        let mug = Self.record()
        let lookup = cache.lookup([mug.id])
        // The change commits and is heard while the read is on its way.
        cache.invalidate(products: [mug.id])
        cache.keep([mug], readAt: lookup.generation)
        #expect(cache.count == 0)
        // A read started after the change is kept.
        cache.keep([mug], readAt: cache.lookup([mug.id]).generation)
        #expect(cache.count == 1)
    }

    @Test("invalidating drops just the product named, by id or by one of its SKUs")
    func invalidation() {
        let mug = Self.record(skus: ["MUG-1", "MUG-2"])
        let cup = Self.record(title: "Cup", skus: ["CUP-1"])
        let cache = Self.serving([mug, cup])
        cache.invalidate(skus: ["MUG-2", "NO-SUCH-SKU"])
        #expect(cache.lookup([mug.id, cup.id]).missing == [mug.id])
        cache.keep([mug], readAt: cache.lookup([]).generation)
        cache.invalidate(products: [cup.id])
        #expect(cache.lookup([mug.id, cup.id]).missing == [cup.id])
        cache.invalidateAll()
        #expect(cache.count == 0)
    }

    @Test("past its capacity the longest kept goes first, however often products come and go")
    func bounded() {
        let records = (0..<10).map { Self.record(title: "P\($0)", skus: ["SKU-\($0)"]) }
        let cache = Self.serving(Array(records.prefix(3)), capacity: 3)
        cache.keep([records[3]], readAt: cache.lookup([]).generation)
        #expect(cache.count == 3)
        #expect(cache.lookup([records[0].id]).missing == [records[0].id])
        #expect(cache.lookup(records[1...3].map(\.id)).missing.isEmpty)
        // Churn: dropped and kept again many times, the bound holds and the newest stay.
        for round in 0..<1_000 {
            let record = records[round % records.count]
            cache.invalidate(products: [record.id])
            cache.keep([record], readAt: cache.lookup([]).generation)
            #expect(cache.count <= 3)
        }
        #expect(cache.lookup(records[7...9].map(\.id)).missing.isEmpty)
        // A dropped product's SKUs no longer name it.
        cache.invalidate(skus: ["SKU-0"])
        #expect(cache.count == 3)
    }

    @Test("the triggers' payloads: a product id, every product, the rates; anything else reads as everything")
    func payloads() {
        let id = UUID()
        #expect(CatalogChange(payload: id.uuidString.lowercased()) == .product(id))
        #expect(CatalogChange(payload: "*") == .everything)
        #expect(CatalogChange(payload: "rates") == .rates)
        #expect(CatalogChange(payload: "warehouse:MSK-1") == nil)
    }

    @Test("the listener's events: listening starts serving afresh, an interruption stops it, a payload drops")
    func listenerEvents() {
        let mug = Self.record()
        let cup = Self.record(title: "Cup", skus: ["CUP-1"])
        let cache = Self.serving([mug, cup])
        let rates = RateCache()
        let changes = CatalogCaches(products: cache, rates: rates)
        changes.apply(.notification(mug.id.uuidString.lowercased()))
        #expect(cache.lookup([mug.id, cup.id]).missing == [mug.id])
        changes.apply(.notification("something new"))
        #expect(cache.count == 0)
        cache.keep([mug, cup], readAt: cache.lookup([]).generation)
        changes.apply(.interrupted)
        #expect(!cache.isServing)
        #expect(cache.count == 0)
        changes.apply(.listening)
        #expect(cache.isServing)
    }
}
