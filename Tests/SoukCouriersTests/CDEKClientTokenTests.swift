import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SoukCouriers
import SoukLocalProviders
import Testing

@Suite("The CDEK client's OAuth token: cached, refreshed before expiry, refreshed once on a 401")
struct CDEKClientTokenTests {
    static func quote(_ cdek: LocalCDEKFixture) async throws {
        _ = try await cdek.client.tariffs(
            from: Places.moscowWarehouse,
            to: Places.petersburgBuyer,
            parcels: [Places.box]
        )
    }

    @Test("one token serves every call while it is valid")
    func cached() async throws {
        try await LocalCDEKFixture.with { cdek in
            for _ in 0..<3 { try await Self.quote(cdek) }
            #expect(cdek.server.tokenCount == 1)
            #expect(cdek.server.requests.map(\.path).filter { $0 == "/oauth/token" }.count == 1)
        }
    }

    @Test("the token is replaced 10 s before expires_in runs out, on the client's clock, without a 401")
    func refreshedBeforeExpiry() async throws {
        try await LocalCDEKFixture.with { cdek in
            try await Self.quote(cdek)
            cdek.clock.advance(by: .seconds(3_589))
            try await Self.quote(cdek)
            #expect(cdek.server.tokenCount == 1)
            cdek.clock.advance(by: .seconds(1))
            try await Self.quote(cdek)
            #expect(cdek.server.tokenCount == 2)
            #expect(cdek.server.requests.allSatisfy { $0.status == 200 })
        }
    }

    @Test("a token the server no longer accepts: a 401, one refresh, the call sent again")
    func refreshedOn401() async throws {
        try await LocalCDEKFixture.with { cdek in
            try await Self.quote(cdek)
            cdek.server.expireTokens()
            try await Self.quote(cdek)
            let seen = cdek.server.requests.map { "\($0.path) \($0.status)" }
            #expect(
                seen == [
                    "/oauth/token 200", "/calculator/tarifflist 200", "/calculator/tarifflist 401", "/oauth/token 200",
                    "/calculator/tarifflist 200",
                ]
            )
        }
    }

    @Test("a registration refused with 401 is sent again after the refresh: one order")
    func registrationAfter401() async throws {
        try await LocalCDEKFixture.with { cdek in
            try await Self.quote(cdek)
            cdek.server.expireTokens()
            _ = try await cdek.client.register(
                tariffCode: 136,
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box],
                number: "shp-0401"
            )
            #expect(cdek.server.orderCount == 1 && cdek.server.tokenCount == 2)
        }
    }

    @Test("callers arriving together share one token fetch")
    func oneFetchInFlight() async throws {
        try await LocalCDEKFixture.with { cdek in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { try await Self.quote(cdek) } }
                try await group.waitForAll()
            }
            #expect(cdek.server.tokenCount == 1)
        }
    }

    @Test("the server honours expires_in: a token used after it is refused with v2_token_expired")
    func serverExpiry() async throws {
        try await LocalCDEKFixture.with(tokenLifetimeSeconds: 60) { cdek in
            var form = HTTPClientRequest(url: cdek.server.baseURL + "/oauth/token")
            form.method = .POST
            form.body = .bytes(
                ByteBuffer(
                    string: "grant_type=client_credentials&client_id=\(LocalCDEKFixture.clientID)"
                        + "&client_secret=\(LocalCDEKFixture.secret)"
                )
            )
            let answer = try await HTTPClient.shared.execute(form, timeout: .seconds(60))
            let body = try await answer.body.collect(upTo: 1 << 16)
            let token = try CDEKJSON.decoder().decode(CDEKToken.self, from: Data(body.readableBytesView))
            #expect(token.expiresIn == 60)

            var read = HTTPClientRequest(url: cdek.server.baseURL + "/orders/72753031-000d-4000-8000-000000000001")
            read.headers.add(name: "Authorization", value: "Bearer \(token.accessToken)")
            #expect(try await HTTPClient.shared.execute(read, timeout: .seconds(60)).status.code == 404)
            cdek.clock.advance(by: .seconds(60))
            let expired = try await HTTPClient.shared.execute(read, timeout: .seconds(60))
            let text = String(buffer: try await expired.body.collect(upTo: 1 << 16))
            #expect(expired.status.code == 401 && text.contains("v2_token_expired"))
        }
    }

    @Test("a wrong client secret is unauthorized, naming invalid_client, and no text shows the secret")
    func wrongSecret() async throws {
        let wrong = "not-the-secret-8hG2kq"
        try await LocalCDEKFixture.with(secret: wrong) { cdek in
            let error = await #expect(throws: CourierError.self) { try await Self.quote(cdek) }
            #expect(error?.code == .unauthorized && error?.httpStatus == 401 && error?.courierCode == "invalid_client")
            #expect(cdek.server.requests.map(\.path) == ["/oauth/token"], "a refusal is not retried")
            let config = CDEKClient.Config.defaults(clientID: "acc", clientSecret: CourierSecret(wrong))
            let texts = [
                "\(String(describing: error))", String(reflecting: error as Any), "\(cdek.client)",
                String(reflecting: cdek.client), "\(config)", String(reflecting: config),
                "\(CourierSecret(wrong))",
            ]
            for text in texts { #expect(!text.contains(wrong), "\(text)") }
            #expect(!String(reflecting: cdek.client).contains(LocalCDEKFixture.secret))
        }
    }
}
