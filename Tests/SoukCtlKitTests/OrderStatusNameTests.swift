import SoukAPI
import SoukCtlKit
import Testing

@Suite("Order statuses and dates on the command line")
struct OrderStatusNameTests {
    @Test("names parse both ways and next follows the forward path")
    func statuses() throws {
        #expect(try OrderStatusName.parse("PENDING-PAYMENT") == .pendingPayment)
        #expect(OrderStatusName.name(.shipped) == "shipped")
        var path: [String] = []
        var status = Souk_Catalog_V1_OrderStatus.pendingPayment
        while let next = OrderStatusName.next(after: status) {
            path.append(OrderStatusName.name(next))
            status = next
        }
        #expect(path == ["paid", "packed", "shipped", "delivered"])
        #expect(OrderStatusName.next(after: .cancelled) == nil)
        #expect(throws: CtlError.self) { try OrderStatusName.parse("lost") }
    }

    @Test("days are midnight UTC and instants print in UTC")
    func days() throws {
        #expect(try DayParsing.startOfDay("1970-01-02", flag: "--since") == 86_400_000)
        #expect(try DayParsing.startOfDay("2024-02-29", flag: "--since") == 1_709_164_800_000)
        #expect(DayParsing.format(unixMs: 1_709_164_800_000 + 3_723_000) == "2024-02-29 01:02:03")
        for bad in ["2023-02-29", "2024-13-01", "24-01-01", "2024-1-1", "yesterday"] {
            #expect(throws: CtlError.self) { try DayParsing.startOfDay(bad, flag: "--since") }
        }
    }

    @Test("the token's claims are read without verifying them")
    func claims() throws {
        // {"sub":"abc","roles":["admin"],"pcr":true}
        let token = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhYmMiLCJyb2xlcyI6WyJhZG1pbiJdLCJwY3IiOnRydWV9.sig"
        let claims = try #require(TokenClaims(token: token))
        #expect(claims.subject == "abc" && claims.roles == ["admin"] && claims.mustChangePassword)
        #expect(TokenClaims(token: "garbage") == nil)
    }
}
