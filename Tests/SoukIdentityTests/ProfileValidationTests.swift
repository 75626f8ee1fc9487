import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import TestSupport
import Testing

@Suite("Profile addresses: region and phone are bounded, and sealed at rest with the rest of the address")
struct ProfileValidationTests {
    static func address() -> Souk_Identity_V1_Address {
        var address = Souk_Identity_V1_Address()
        address.recipient = "Anna Petrova"
        address.line1 = "ul. Lenina, 5, kv. 12"
        address.city = "Kazan"
        address.postalCode = "420111"
        address.country = "RU"
        address.region = "Respublika Tatarstan"
        address.phone = "+7 (917) 555-12-34"
        return address
    }

    @Test("region and phone round-trip through the sealed profile and are not in the database in clear")
    func roundTrip() async throws {
        try await IdentityHarness.with { harness in
            let tokens = try await harness.customer(email: "anna@example.com")
            let ann = IdentityHarness.bearer(tokens.accessToken)
            var update = Souk_Identity_V1_UpdateMyProfileRequest()
            update.profile.displayName = "Anna"
            update.profile.addresses = [Self.address()]
            _ = try await harness.identity.updateMyProfile(update, metadata: ann)
            let account = try await harness.identity.getMyAccount(.init(), metadata: ann).account
            #expect(account.addresses == [Self.address()])
            #expect(account.addresses.first?.region == "Respublika Tatarstan")
            #expect(account.addresses.first?.phone == "+7 (917) 555-12-34")

            try await TestDatabase.withClient(harness.databaseURL) { client in
                let rows = try await client.query(
                    "SELECT addresses_sealed FROM identity.accounts WHERE addresses_sealed IS NOT NULL",
                    logger: Logger(label: "test")
                )
                var sealed: [String] = []
                for try await value in rows.decode(String.self) { sealed.append(value) }
                #expect(sealed.count == 1)
                for value in sealed {
                    #expect(value.hasPrefix("v1."))
                    #expect(!value.contains("Tatarstan") && !value.contains("555-12-34") && !value.contains("region"))
                }
            }
        }
    }

    @Test(
        "a region or phone out of bounds is INVALID_ARGUMENT naming it, and the profile stays as it was",
        arguments: [
            ("region", String(repeating: "r", count: 201), "profile.addresses[1].region"),
            ("region", "Moscow\u{0}", "profile.addresses[1].region"),
            ("phone", "call me maybe", "profile.addresses[1].phone"),
            ("phone", String(repeating: "1", count: 41), "profile.addresses[1].phone"),
            ("phone", "+7 999 123 45 67 ext. 8", "profile.addresses[1].phone"),
        ]
    )
    func bounds(field: String, value: String, path: String) async throws {
        try await IdentityHarness.with { harness in
            let ann = IdentityHarness.bearer(try await harness.customer(email: "anna@example.com").accessToken)
            var bad = Self.address()
            if field == "region" { bad.region = value } else { bad.phone = value }
            var update = Souk_Identity_V1_UpdateMyProfileRequest()
            update.profile.addresses = [Self.address(), bad]
            let error = await rpcError { _ = try await harness.identity.updateMyProfile(update, metadata: ann) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(path + ":") == true, "\(String(describing: error))")
            #expect(try await harness.identity.getMyAccount(.init(), metadata: ann).account.addresses.isEmpty)

            var longest = Self.address()
            longest.region = String(repeating: "r", count: 200)
            longest.phone = "+" + String(repeating: "1", count: 39)
            update.profile.addresses = [longest]
            _ = try await harness.identity.updateMyProfile(update, metadata: ann)
            #expect(try await harness.identity.getMyAccount(.init(), metadata: ann).account.addresses == [longest])
        }
    }
}
