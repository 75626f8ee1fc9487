import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SoukAPI
import SoukBridge
import SoukClient
import SwiftProtobuf
import TestSupport
import Testing

@Suite("Cookie sessions and CORS in the bridge")
struct BridgeSessionTests {
    static let credentials = #"{"email":"ann@shop.example","password":"correct horse battery"}"#

    /// Runs `body` with a test client of a bridge (and its session store, by default one on the continuous clock)
    /// in front of `harness`'s host.
    static func withBridge(
        _ harness: IdentityHarness,
        config: BridgeConfig = .defaults,
        sessions: SessionStore? = nil,
        _ body: @Sendable (any TestClientProtocol, SessionStore) async throws -> Void
    ) async throws {
        var logger = Logger(label: "souk-bridge-test")
        logger.logLevel = .warning
        let sessions = sessions ?? SessionStore(idleTimeout: config.sessionIdleTimeout)
        let app = Application(
            responder: BridgeResponder(client: harness.client, config: config, sessions: sessions, logger: logger),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
        try await app.test(.router) { client in try await body(client, sessions) }
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// Signs ann up through the harness and in through the bridge: (session id, csrf token, Set-Cookie).
    static func signIn(
        _ harness: IdentityHarness,
        _ client: any TestClientProtocol
    ) async throws -> (
        id: String, csrf: String, setCookie: String
    ) {
        _ = try await harness.customer(email: "ann@shop.example", password: "correct horse battery")
        let login = try await BridgeResponderTests.post(client, "/session/login", json: Self.credentials)
        #expect(login.status == .ok)
        let setCookie = try #require(login.headers[.setCookie])
        let id = String(try #require(setCookie.split(separator: ";").first).dropFirst("souk_session=".count))
        let csrf = try #require(try Self.object(login)["csrf_token"] as? String)
        return (id, csrf, setCookie)
    }

    static func me(
        _ client: any TestClientProtocol,
        id: String,
        csrf: String?
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: "theme=dark; souk_session=\(id)"]
        if let csrf { headers[.init("X-CSRF-Token")!] = csrf }
        return try await BridgeResponderTests.post(
            client,
            "/souk.identity.v1.IdentityService/GetMyAccount",
            json: "{}",
            headers: headers
        )
    }

    @Test("login sets an HttpOnly SameSite=Strict Secure cookie; calls need the CSRF token; logout ends it")
    func loginCallLogout() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness) { client, sessions in
                let (id, csrf, setCookie) = try await Self.signIn(harness, client)
                #expect(setCookie == "souk_session=\(id); HttpOnly; SameSite=Strict; Path=/; Secure")
                #expect(id.count == 43 && !id.contains("+") && !id.contains("/") && !id.contains("="))
                #expect(csrf.count == 43 && csrf != id)

                let status = try Self.object(
                    try await client.execute(uri: "/session", method: .get, headers: [.cookie: "souk_session=\(id)"])
                )
                #expect(status["signed_in"] as? Bool == true && status["csrf_token"] as? String == csrf)
                #expect(status["email"] as? String == "ann@shop.example")

                let lastUsed = try #require(await sessions.session(id)).lastUsed
                for wrong in [nil, "not-the-token"] {
                    let refused = try await Self.me(client, id: id, csrf: wrong)
                    #expect(refused.status == .forbidden)
                    #expect(try BridgeResponderTests.connectError(refused).code == "permission_denied")
                }
                // Nothing was forwarded: the session was not even used.
                #expect(try #require(await sessions.session(id)).lastUsed == lastUsed)

                let me = try await Self.me(client, id: id, csrf: csrf)
                #expect(me.status == .ok)
                let account = try Souk_Identity_V1_AccountResponse(jsonUTF8Bytes: Array(me.body.readableBytesView))
                #expect(account.account.email == "ann@shop.example")

                let noCSRF = try await client.execute(
                    uri: "/session/logout",
                    method: .post,
                    headers: [.cookie: "souk_session=\(id)"]
                )
                #expect(noCSRF.status == .forbidden)
                let logout = try await client.execute(
                    uri: "/session/logout",
                    method: .post,
                    headers: [.cookie: "souk_session=\(id)", .init("X-CSRF-Token")!: csrf]
                )
                #expect(logout.status == .ok)
                #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
                #expect(await sessions.session(id) == nil)

                let after = try await Self.me(client, id: id, csrf: csrf)
                #expect(after.status == .unauthorized)
                #expect(try BridgeResponderTests.connectError(after).code == "unauthenticated")
                let unknown = try await Self.me(client, id: "no-such-session", csrf: csrf)
                #expect(unknown.status == .unauthorized)
                let signedOut = try Self.object(
                    try await client.execute(uri: "/session", method: .get, headers: [.cookie: "souk_session=\(id)"])
                )
                #expect(signedOut["signed_in"] as? Bool == false)
            }
        }
    }

    @Test(
        "calls, their errors, the session and its login are never cached (no-store), with nosniff and a same-origin referrer; the page's files keep no-cache and their CSP"
    )
    func answersAreNotCached() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("souk-web-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try Data("<!doctype html>".utf8).write(to: folder.appendingPathComponent("index.html"))
            var logger = Logger(label: "souk-bridge-test")
            logger.logLevel = .warning
            let app = Application(
                responder: BridgeResponder(
                    client: harness.client,
                    assets: try WebAssets(folder: folder.path),
                    logger: logger
                ),
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                logger: logger
            )
            try await app.test(.router) { client in
                let (id, csrf, _) = try await Self.signIn(harness, client)
                let session = try await client.execute(
                    uri: "/session",
                    method: .get,
                    headers: [.cookie: "souk_session=\(id)"]
                )
                let answers: [(String, TestResponse)] = [
                    ("session", session),
                    ("me", try await Self.me(client, id: id, csrf: csrf)),
                    ("refused", try await Self.me(client, id: id, csrf: nil)),
                    ("login", try await BridgeResponderTests.post(client, "/session/login", json: Self.credentials)),
                    ("unknown method", try await BridgeResponderTests.post(client, "/souk.x.v1.X/Y", json: "{}")),
                ]
                for (name, answer) in answers {
                    #expect(answer.headers[.cacheControl] == "no-store", "\(name)")
                    #expect(answer.headers[.xContentTypeOptions] == "nosniff", "\(name)")
                    #expect(answer.headers[.referrerPolicy] == "same-origin", "\(name)")
                }
                #expect(answers[1].1.status == .ok)
                let page = try await client.execute(uri: "/", method: .get)
                #expect(page.status == .ok)
                #expect(page.headers[.cacheControl] == "no-cache")
                #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(page.headers[.referrerPolicy] == "same-origin")
            }
        }
    }

    @Test("plain-http development leaves Secure off; a bad password is refused and no cookie is set")
    func insecureAndRefused() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let config = BridgeConfig(maxBodyBytes: 1 << 20, secureCookies: false)
            try await Self.withBridge(harness, config: config) { client, _ in
                let (id, _, setCookie) = try await Self.signIn(harness, client)
                #expect(setCookie == "souk_session=\(id); HttpOnly; SameSite=Strict; Path=/")
                let wrong = try await BridgeResponderTests.post(
                    client,
                    "/session/login",
                    json: #"{"email":"ann@shop.example","password":"wrong password here"}"#
                )
                #expect(wrong.status == .unauthorized)
                #expect(wrong.headers[.setCookie] == nil)
            }
        }
    }

    @Test("an Authorization header still works without cookie or CSRF token")
    func bearerWithoutCSRF() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness) { client, _ in
                let tokens = try await harness.customer(email: "bo@shop.example", password: "correct horse battery")
                let me = try await BridgeResponderTests.post(
                    client,
                    "/souk.identity.v1.IdentityService/GetMyAccount",
                    json: "{}",
                    headers: [.authorization: "Bearer \(tokens.accessToken)"]
                )
                #expect(me.status == .ok)
            }
        }
    }

    @Test("a near-expiry access token is refreshed (rotating) before the call; a failed refresh ends the session")
    func refresh() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            // The host's access tokens live 15 minutes: a one-hour margin makes every one of them near expiry.
            let config = BridgeConfig(maxBodyBytes: 1 << 20, refreshMargin: .seconds(3600))
            try await Self.withBridge(harness, config: config) { client, sessions in
                let (id, csrf, _) = try await Self.signIn(harness, client)
                let before = try #require(await sessions.session(id)).tokenSource.tokens
                #expect(try await Self.me(client, id: id, csrf: csrf).status == .ok)
                let after = try #require(await sessions.session(id)).tokenSource.tokens
                #expect(after.refreshToken != before.refreshToken)
                #expect(after.accessToken != before.accessToken)

                // The old refresh token was rotated away; the host now refuses the session family.
                var revoke = Souk_Identity_V1_RefreshRequest()
                revoke.refreshToken = before.refreshToken
                _ = await rpcError { _ = try await harness.identity.refresh(revoke) }
                _ = await rpcError {
                    _ = try await harness.identity.logout(.init(), metadata: IdentityHarness.bearer(after.accessToken))
                }
                let ended = try await Self.me(client, id: id, csrf: csrf)
                #expect(ended.status == .unauthorized)
                #expect(await sessions.session(id) == nil)
            }
        }
    }

    @Test("an idle session expires; each use starts the idle time again")
    func idle() async throws {
        // The store's clock moves only when the test says, so however slow the machine, the session is idle
        // exactly as long as the test steps.
        let clock = ManualClock()
        let config = BridgeConfig(maxBodyBytes: 1 << 20, sessionIdleTimeout: .seconds(300))
        let sessions = SessionStore(idleTimeout: config.sessionIdleTimeout, clock: clock)
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness, config: config, sessions: sessions) { client, _ in
                let (id, csrf, _) = try await Self.signIn(harness, client)
                clock.advance(by: .seconds(299))
                #expect(try await Self.me(client, id: id, csrf: csrf).status == .ok)
                clock.advance(by: .seconds(299))
                #expect(try await Self.me(client, id: id, csrf: csrf).status == .ok, "used 299 s ago, not idle")
                clock.advance(by: .seconds(301))
                let expired = try await Self.me(client, id: id, csrf: csrf)
                #expect(expired.status == .unauthorized)
                #expect(expired.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
        }
    }

    @Test("after a session ends, a public call is answered as a visitor's and clears the cookie")
    func endedSessionBrowsesAsVisitor() async throws {
        let clock = ManualClock()
        let config = BridgeConfig(maxBodyBytes: 1 << 20, sessionIdleTimeout: .seconds(300))
        let sessions = SessionStore(idleTimeout: config.sessionIdleTimeout, clock: clock)
        try await IdentityHarness.with(wire: .swp) { harness in
            try await Self.withBridge(harness, config: config, sessions: sessions) { client, _ in
                let (id, _, _) = try await Self.signIn(harness, client)
                clock.advance(by: .seconds(301))
                // The page forgot its CSRF token with the session: a visitor's call carries the stale cookie only.
                let keys = try await BridgeResponderTests.post(
                    client,
                    "/souk.identity.v1.IdentityService/GetJwks",
                    json: "{}",
                    headers: [.cookie: "souk_session=\(id)"]
                )
                #expect(keys.status == .ok)
                #expect((try Self.object(keys)["jwksJson"] as? String)?.contains("\"keys\"") == true)
                #expect(keys.headers[.setCookie]?.contains("Max-Age=0") == true)
                #expect(keys.headers[.init("Souk-Session")!] == "ended")

                let account = try await Self.me(client, id: id, csrf: nil)
                #expect(account.status == .unauthorized)
                #expect(String(buffer: account.body).contains("session: expired or unknown"))
                #expect(account.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
        }
    }

    @Test("CORS: listed origins get the headers, others none; a preflight from an unknown origin is 403")
    func cors() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let config = BridgeConfig(maxBodyBytes: 1 << 20, corsOrigins: ["https://shop.example"])
            try await Self.withBridge(harness, config: config) { client, _ in
                let path = "/souk.catalog.v1.CatalogService/ListCategories"
                let allowed = try await BridgeResponderTests.post(
                    client,
                    path,
                    json: "{}",
                    headers: [.origin: "https://shop.example"]
                )
                #expect(allowed.status == .ok)
                #expect(allowed.headers[.accessControlAllowOrigin] == "https://shop.example")
                #expect(allowed.headers[.accessControlAllowCredentials] == "true")
                #expect(allowed.headers[.vary] == "Origin")

                let other = try await BridgeResponderTests.post(
                    client,
                    path,
                    json: "{}",
                    headers: [.origin: "https://evil.example"]
                )
                #expect(other.headers[.accessControlAllowOrigin] == nil)
                #expect(other.headers[.accessControlAllowCredentials] == nil)

                let preflight = try await client.execute(
                    uri: path,
                    method: .options,
                    headers: [.origin: "https://shop.example", .accessControlRequestMethod: "POST"]
                )
                #expect(preflight.status == .noContent)
                #expect(preflight.headers[.accessControlAllowOrigin] == "https://shop.example")
                let allowedHeaders = preflight.headers[.accessControlAllowHeaders] ?? ""
                for name in ["Content-Type", "Connect-Protocol-Version", "Connect-Timeout-Ms", "X-CSRF-Token"] {
                    #expect(allowedHeaders.contains(name))
                }
                let denied = try await client.execute(
                    uri: path,
                    method: .options,
                    headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
                )
                #expect(denied.status == .forbidden)
                #expect(denied.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }
}
