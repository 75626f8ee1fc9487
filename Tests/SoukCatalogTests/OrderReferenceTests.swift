import Foundation
import SoukCatalog
import SoukDomain
import Testing

/// How `order_id` text is read: an id, a number, an id prefix, and digits that may be either.
struct OrderReferenceTests {
    @Test("digits are an order number; six or more may also start an id; text cut with … is always a prefix")
    func parsing() throws {
        let id = UUID()
        #expect(try OrderReference(id.uuidString, field: "order_id") == .id(id))
        #expect(try OrderReference(" 24 ", field: "order_id") == .number(24, orIDPrefix: nil))
        #expect(try OrderReference("78924031", field: "order_id") == .number(78_924_031, orIDPrefix: "78924031"))
        #expect(try OrderReference("78924031…", field: "order_id") == .idPrefix("78924031"))
        #expect(try OrderReference("3F2A1B…", field: "order_id") == .idPrefix("3f2a1b"))
        #expect(try OrderReference("3f2a1b9c-12", field: "order_id") == .idPrefix("3f2a1b9c-12"))
        // No id has nine digits before its first dash: twenty nines are a number too large, not a prefix.
        for bad in ["", "0", "3f2a", "12345…", "order 24", "3f2a1b%", "3f2a-1b9c", String(repeating: "9", count: 20)] {
            let error = #expect(throws: CatalogError.self, "\(bad)") { try OrderReference(bad, field: "order_id") }
            #expect(error?.message.hasPrefix("order_id:") == true, "\(bad)")
        }
    }
}
