import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SoukAccess

/// A small OpenID Connect provider the tests start on 127.0.0.1: a discovery document, a key set (Ed25519),
/// and a token endpoint that checks the client secret, the redirect URI and the PKCE verifier before it
/// issues an ID token. The browser step (the person signing in at the provider) is ``authorize(_:)``.
final class LocalOIDCProvider: Sendable {
    struct User: Sendable {
        var subject: String
        var email: String
        var emailVerified: Bool
    }

    private struct PendingCode {
        var challenge: String
        var nonce: String
        var redirectURI: String
        var user: User
    }

    let clientID = "souk-test-client"
    let clientSecret = "souk-test-secret"
    let redirectURI = "https://shop.example/signed-in"
    private let key = Curve25519.Signing.PrivateKey()
    private let codes = NIOLockedValueBox([String: PendingCode]())
    private let port = NIOLockedValueBox(0)

    var issuer: String { "http://127.0.0.1:\(self.port.withLockedValue { $0 })" }

    /// Starts a provider, runs `body`, stops it.
    static func with<Result: Sendable>(_ body: (LocalOIDCProvider) async throws -> Result) async throws -> Result {
        let provider = LocalOIDCProvider()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(provider: provider))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        provider.port.withLockedValue { $0 = channel.localAddress?.port ?? 0 }
        defer { channel.close(promise: nil) }
        return try await body(provider)
    }

    /// The person signs in at the provider as `user`: checks the authorization request and returns the code and
    /// state the provider would redirect back with.
    func authorize(_ authorizationURL: String, as user: User) throws -> (code: String, state: String) {
        guard let components = URLComponents(string: authorizationURL) else { throw ProviderError("not a URL") }
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        guard query["response_type"] == "code", query["client_id"] == self.clientID,
            query["redirect_uri"] == self.redirectURI, query["code_challenge_method"] == "S256",
            let challenge = query["code_challenge"], let nonce = query["nonce"], let state = query["state"],
            query["scope"]?.split(separator: " ").contains("openid") == true
        else { throw ProviderError("bad authorization request: \(query)") }
        let code = UUID().uuidString
        self.codes.withLockedValue {
            $0[code] = PendingCode(challenge: challenge, nonce: nonce, redirectURI: self.redirectURI, user: user)
        }
        return (code, state)
    }

    struct ProviderError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Endpoints

    fileprivate func respond(method: HTTPMethod, path: String, body: String) -> (HTTPResponseStatus, String) {
        switch (method, path) {
        case (.GET, "/.well-known/openid-configuration"):
            return (
                .ok,
                """
                {"issuer":"\(self.issuer)","authorization_endpoint":"\(self.issuer)/authorize",\
                "token_endpoint":"\(self.issuer)/token","jwks_uri":"\(self.issuer)/jwks",\
                "code_challenge_methods_supported":["S256"],"id_token_signing_alg_values_supported":["EdDSA"]}
                """
            )
        case (.GET, "/jwks"):
            let x = AccessTokenVerifier.base64URL(Array(self.key.publicKey.rawRepresentation))
            return (
                .ok, #"{"keys":[{"kty":"OKP","crv":"Ed25519","use":"sig","alg":"EdDSA","kid":"local-1","x":"\#(x)"}]}"#
            )
        case (.POST, "/token"):
            return self.token(form: Self.parseForm(body))
        default:
            return (.notFound, #"{"error":"not_found"}"#)
        }
    }

    private func token(form: [String: String]) -> (HTTPResponseStatus, String) {
        guard form["grant_type"] == "authorization_code", form["client_id"] == self.clientID,
            form["client_secret"] == self.clientSecret, let code = form["code"],
            let pending = self.codes.withLockedValue({ $0.removeValue(forKey: code) }),
            form["redirect_uri"] == pending.redirectURI, let verifier = form["code_verifier"],
            AccessTokenVerifier.base64URL(Array(SHA256.hash(data: Data(verifier.utf8)))) == pending.challenge
        else { return (.badRequest, #"{"error":"invalid_grant"}"#) }
        let now = Int(Date().timeIntervalSince1970)
        let header = #"{"alg":"EdDSA","typ":"JWT","kid":"local-1"}"#
        let claims = """
            {"iss":"\(self.issuer)","sub":"\(pending.user.subject)","aud":"\(self.clientID)","iat":\(now),\
            "exp":\(now + 300),"nonce":"\(pending.nonce)","email":"\(pending.user.email)",\
            "email_verified":\(pending.user.emailVerified)}
            """
        let input = Self.encode(header) + "." + Self.encode(claims)
        guard let signature = try? self.key.signature(for: Data(input.utf8)) else {
            return (.internalServerError, #"{"error":"server_error"}"#)
        }
        let idToken = input + "." + AccessTokenVerifier.base64URL(Array(signature))
        return (.ok, #"{"access_token":"unused","token_type":"Bearer","expires_in":300,"id_token":"\#(idToken)"}"#)
    }

    private static func encode(_ json: String) -> String {
        AccessTokenVerifier.base64URL(Array(json.utf8))
    }

    private static func parseForm(_ body: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        return form
    }

    /// One HTTP/1.1 exchange at a time per connection: buffer the request, answer it.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let provider: LocalOIDCProvider
        var head: HTTPRequestHead?
        var body = ""

        init(provider: LocalOIDCProvider) {
            self.provider = provider
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch self.unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                self.body = ""
            case .body(let buffer):
                self.body += String(buffer: buffer)
            case .end:
                guard let head = self.head else { return }
                let path = String(head.uri.split(separator: "?").first ?? "")
                let (status, text) = self.provider.respond(method: head.method, path: path, body: self.body)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(text.utf8.count)")
                context.write(
                    self.wrapOutboundOut(
                        .head(HTTPResponseHead(version: head.version, status: status, headers: headers))
                    ),
                    promise: nil
                )
                context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
