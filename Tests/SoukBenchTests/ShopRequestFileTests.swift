import Foundation
import SoukBench
import Testing

@Suite("The C client's request files: length-prefixed protobuf requests from the fixture")
struct ShopRequestFileTests {
    @Test("each message is prefixed by its length as 4 big-endian bytes; empty messages too")
    func encodesRecords() throws {
        let long = Data(repeating: 7, count: 0x0102)
        let file = try ShopRequestFile.encode([Data("ab".utf8), Data(), long])
        #expect([UInt8](file.prefix(10)) == [0, 0, 0, 2, 0x61, 0x62, 0, 0, 0, 0])
        #expect([UInt8](file[10..<14]) == [0, 0, 0x01, 0x02])
        #expect(file.count == 14 + 0x0102)
        #expect(try ShopRequestFile.messages(in: file) == [Data("ab".utf8), Data(), long])
        #expect(try ShopRequestFile.encode([]).isEmpty)
    }

    @Test("a message over 4 MiB, a short length or a record past the end is refused")
    func refusesBadRecords() {
        #expect(throws: BenchError.self) {
            try ShopRequestFile.encode([Data(count: ShopRequestFile.maximumMessageBytes + 1)])
        }
        #expect(throws: BenchError.usage("request file: 2 byte(s) at offset 6, too few for a length")) {
            try ShopRequestFile.messages(in: Data([0, 0, 0, 2, 1, 2, 0, 0]))
        }
        #expect(throws: BenchError.usage("request file: the record at offset 0 declares 5 bytes")) {
            try ShopRequestFile.messages(in: Data([0, 0, 0, 5, 1, 2]))
        }
    }

    @Test("lookups: GetProduct of every product in RUB, USD and EUR, encoded as swift-protobuf encodes them")
    func lookups() throws {
        let messages = try ShopRequestFile.messages(in: ShopRequestFile.lookups(productIDs: ["p1", "p2"]))
        #expect(messages.count == 6)
        // product_id = 1 "p1", currency = 2 "RUB"
        #expect([UInt8](messages[0]) == [0x0A, 0x02, 0x70, 0x31, 0x12, 0x03, 0x52, 0x55, 0x42])
        // product_id "p2", currency "EUR"
        #expect([UInt8](messages[5]) == [0x0A, 0x02, 0x70, 0x32, 0x12, 0x03, 0x45, 0x55, 0x52])
    }

    @Test("searches: the first page of 20 for every word in every currency")
    func searches() throws {
        let messages = try ShopRequestFile.messages(in: ShopRequestFile.searches(words: ["mug"]))
        #expect(messages.count == 3)
        // query = 1 "mug", currency = 3 "USD", page_size = 4 20
        #expect(
            [UInt8](messages[1]) == [0x0A, 0x03, 0x6D, 0x75, 0x67, 0x1A, 0x03, 0x55, 0x53, 0x44, 0x20, 0x14]
        )
    }
}
