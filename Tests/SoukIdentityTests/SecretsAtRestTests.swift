import Crypto
import Foundation
import GRPCCore
import Logging
import PostgresNIO
import SoukAPI
import SoukClient
import SoukDomain
import SoukHost
import SoukIdentity
import SoukProcess
import SoukStorage
import TestSupport
import Testing

@Suite("Passwords and personal data at rest")
struct SecretsAtRestTests {
    @Test("scrypt: the right password matches, a wrong one does not, weaker parameters ask for a rehash")
    func passwordHashing() async throws {
        let hasher = PasswordHasher(parameters: .testing)
        let hash = try await hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try await hasher.verify("correct horse battery", against: hash) == .match)
        #expect(try await hasher.verify("correct horse batterx", against: hash) == .mismatch)
        #expect(try await hasher.hash("correct horse battery") != hash, "salted")
        let stronger = PasswordHasher(parameters: .init(logN: 11, blockSize: 8, parallelism: 1))
        #expect(try await stronger.verify("correct horse battery", against: hash) == .needsRehash)
        #expect(try await hasher.verify("x", against: "$scrypt$ln=99,r=8,p=1$AAAA$BBBB") == .mismatch)
        #expect(try await hasher.verify("x", against: "plain") == .mismatch)
    }

    @Test("password policy names the rule broken")
    func policy() {
        #expect(throws: IdentityError.self) { try PasswordPolicy.check("short", email: "a@b.cd") }
        #expect(throws: IdentityError.self) { try PasswordPolicy.check("aaaaaaaaaaaaaaaa", email: "a@b.cd") }
        #expect(throws: IdentityError.self) { try PasswordPolicy.check("Password1234", email: "a@b.cd") }
        #expect(throws: IdentityError.self) {
            try PasswordPolicy.check("annabella-rocks-2026", email: "annabella@x.ru")
        }
        #expect(throws: Never.self) { try PasswordPolicy.check("correct horse battery", email: "ann@example.com") }
    }

    @Test("sealed values open only with their key and in their place")
    func keyRing() throws {
        let old = DataKeyRing.Key(id: "k1", key: SymmetricKey(size: .bits256))
        let new = DataKeyRing.Key(id: "k2", key: SymmetricKey(size: .bits256))
        let ring = try DataKeyRing(keys: [old])
        let sealed = try ring.seal("+79991234567", context: "account/a/phone")
        #expect(!sealed.contains("79991234567"))
        #expect(try ring.open(sealed, context: "account/a/phone") == "+79991234567")
        #expect(throws: RPCError.self) { try ring.open(sealed, context: "account/b/phone") }
        let rotated = try DataKeyRing(keys: [new, old])
        #expect(try rotated.open(sealed, context: "account/a/phone") == "+79991234567")
        #expect(!rotated.isCurrent(sealed))
        #expect(rotated.isCurrent(try rotated.seal("x", context: "c")))
        #expect(throws: RPCError.self) { try DataKeyRing(keys: [new]).open(sealed, context: "account/a/phone") }
        #expect(throws: RPCError.self) { try DataKeyRing(text: "k1:not-base64!", source: "test") }
    }

    @Test(
        "pg_dump of a database with a registered customer holds neither the email, the phone nor the TOTP secret in clear"
    )
    func pgDumpHasNoPersonalDataInClear() async throws {
        try await IdentityHarness.with { harness in
            let tokens = try await harness.customer(email: "ann@example.com", phone: "+79991234567")
            let enrolment = try await harness.identity.beginTotpEnrollment(
                Souk_Identity_V1_BeginTotpEnrollmentRequest(),
                metadata: IdentityHarness.bearer(tokens.accessToken)
            )
            let totp = TOTP(secret: try #require(Base32.decode(enrolment.secret)))
            var confirm = Souk_Identity_V1_ConfirmTotpEnrollmentRequest()
            confirm.code = totp.code(step: totp.step(at: Int64(Date().timeIntervalSince1970)))
            let recovery = try await harness.identity.confirmTotpEnrollment(
                confirm,
                metadata: IdentityHarness.bearer(tokens.accessToken)
            ).recoveryCodes

            let url = harness.databaseURL
            var arguments = [
                "--no-owner", "--dbname", url.database, "--username", url.username, "--port", "\(url.port)",
            ]
            arguments += ["--host", url.socketDirectory ?? url.host ?? "localhost"]
            let dump = try await CommandRunner().run(
                "\(try PostgresBinaries.locate(searchPath: nil).directory)/pg_dump",
                arguments
            )
            #expect(dump.status == 0, "\(dump.output.prefix(500))")
            let account = try await harness.identity.getMyAccount(
                .init(),
                metadata: IdentityHarness.bearer(tokens.accessToken)
            ).account
            #expect(account.email == "ann@example.com")
            #expect(dump.output.contains(account.id), "the dump is of the right database")
            for secret in [
                "79991234567", "9991234567", enrolment.secret, recovery[0], "correct horse battery", "ann@example.com",
                "example.com",
            ] {
                #expect(!dump.output.contains(secret), "\(secret) is in the dump in clear")
            }
        }
    }

    @Test("emails stored in clear by an older build are sealed at the next start and still found in any case")
    func legacyEmailsAreSealed() async throws {
        try await TestDatabase.withFresh { url, _ in
            try await withTemporaryDirectory { folder in
                let configure: @Sendable (inout HostConfig) -> Void = { config in
                    config.services = [.identity]
                    config.identity.passwordParameters = .testing
                }
                // The first start makes the schema; then a row as an older build wrote it.
                try await withRunningHost(databaseURL: url, dataFolder: folder, configure: configure) { _, _ in }
                let id = UUID()
                try await TestDatabase.withClient(url) { client in
                    try await client.query(
                        """
                        INSERT INTO identity.accounts (id, email, email_key, display_name, roles)
                        VALUES (\(id), 'Old.Timer@Example.com', 'old.timer@example.com', 'Old', \(["customer"]))
                        """,
                        logger: Logger(label: "test")
                    )
                }
                try await withRunningHost(databaseURL: url, dataFolder: folder, configure: configure) { info, _ in
                    let config = ClientConfig(
                        host: "127.0.0.1",
                        port: info.swpPort,
                        trust: .certificateAuthority(path: info.certificateAuthorityPath ?? "")
                    )
                    try await SoukConnection.withConnection(to: config) { client in
                        var signUp = Souk_Identity_V1_SignUpRequest()
                        signUp.email = "old.timer@EXAMPLE.com"
                        signUp.password = "correct horse battery"
                        let taken = await rpcError {
                            _ = try await Souk_Identity_V1_IdentityService.Client(wrapping: client).signUp(signUp)
                        }
                        #expect(taken?.code == .alreadyExists)
                    }
                }
                try await TestDatabase.withClient(url) { client in
                    let rows = try await client.query(
                        "SELECT email, email_sealed, email_key FROM identity.accounts WHERE id = \(id)",
                        logger: Logger(label: "test")
                    )
                    for try await (email, sealed, key) in rows.decode((String?, String?, String).self) {
                        #expect(email == nil)
                        #expect(sealed?.hasPrefix("v1.") == true)
                        #expect(!key.contains("@") && !key.lowercased().contains("old.timer"))
                    }
                }
            }
        }
    }
}
