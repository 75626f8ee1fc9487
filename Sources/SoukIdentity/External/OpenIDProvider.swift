import Crypto
import Foundation
import GRPCCore
import JWTKit
import NIOConcurrencyHelpers
import SoukAccess

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An OpenID Connect provider as the identity service uses it: its discovery document, the token endpoint
/// (authorization code with PKCE) and the key set its ID tokens are signed with. Discovery and keys are cached;
/// an ID token under an unknown `kid` refetches the keys once.
final class OpenIDProvider: Sendable {
    struct Discovery: Decodable, Sendable {
        var issuer: String
        var authorizationEndpoint: String
        var tokenEndpoint: String
        var jwksURI: String

        enum CodingKeys: String, CodingKey {
            case issuer
            case authorizationEndpoint = "authorization_endpoint"
            case tokenEndpoint = "token_endpoint"
            case jwksURI = "jwks_uri"
        }
    }

    /// The claims of an ID token Souk reads.
    struct IDToken: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        var nonce: String?
        var email: String?
        var emailVerified: Bool?

        enum CodingKeys: String, CodingKey {
            case iss, sub, aud, exp, nonce, email
            case emailVerified = "email_verified"
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try self.exp.verifyNotExpired()
        }
    }

    let config: ExternalProviderConfig
    private let cache = NIOLockedValueBox<(discovery: Discovery?, keys: JWTKeyCollection?)>((nil, nil))

    init(config: ExternalProviderConfig) {
        self.config = config
    }

    /// The URL to send the browser to.
    func authorizationURL(state: String, codeChallenge: String, nonce: String) async throws -> String {
        let discovery = try await self.discovery()
        guard var components = URLComponents(string: discovery.authorizationEndpoint) else {
            throw IdentityError(.unavailable, "the sign-in provider's authorization endpoint is not a URL")
        }
        components.queryItems =
            (components.queryItems ?? []) + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: self.config.clientID),
                URLQueryItem(name: "redirect_uri", value: self.config.redirectURI),
                URLQueryItem(name: "scope", value: "openid email"),
                URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "nonce", value: nonce),
                URLQueryItem(name: "code_challenge", value: codeChallenge),
                URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        guard let url = components.url else {
            throw IdentityError(.internalError, "cannot build the authorization URL")
        }
        return url.absoluteString
    }

    /// Exchanges an authorization code for the provider's ID token and returns its verified claims.
    func signIn(code: String, codeVerifier: String, nonce: String) async throws -> IDToken {
        let discovery = try await self.discovery()
        let form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", self.config.redirectURI),
            ("code_verifier", codeVerifier), ("client_id", self.config.clientID),
            ("client_secret", self.config.clientSecret),
        ]
        var request = URLRequest(url: try Self.url(discovery.tokenEndpoint))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(form.map { "\($0)=\(Self.formEncode($1))" }.joined(separator: "&").utf8)
        let (data, status) = try await Self.fetch(request)
        guard status == 200 else {
            throw IdentityError.unauthenticated("the sign-in provider refused the code (HTTP \(status))")
        }
        struct TokenResponse: Decodable {
            var idToken: String
            enum CodingKeys: String, CodingKey { case idToken = "id_token" }
        }
        guard let idToken = try? JSONDecoder().decode(TokenResponse.self, from: data).idToken else {
            throw IdentityError(.unavailable, "the sign-in provider's token response has no id_token")
        }
        let claims = try await self.verify(idToken)
        guard claims.iss.value == self.config.issuer, claims.aud.value.contains(self.config.clientID) else {
            throw IdentityError.unauthenticated("the ID token is for another issuer or client")
        }
        guard let received = claims.nonce, ConstantTime.equal(Array(received.utf8), Array(nonce.utf8)) else {
            throw IdentityError.unauthenticated("the ID token's nonce does not match this sign-in")
        }
        return claims
    }

    private func verify(_ token: String) async throws -> IDToken {
        for attempt in 0..<2 {
            let keys = try await self.keys(refresh: attempt > 0)
            do {
                return try await keys.verify(token, as: IDToken.self)
            } catch let error as JWTError where error.errorType == .claimVerificationFailure {
                throw IdentityError.unauthenticated("the ID token has expired")
            } catch {
                if attempt == 1 { throw IdentityError.unauthenticated("the ID token's signature does not verify") }
            }
        }
        throw IdentityError.unauthenticated("the ID token's signature does not verify")
    }

    private func discovery() async throws -> Discovery {
        if let cached = self.cache.withLockedValue({ $0.discovery }) { return cached }
        let issuer = self.config.issuer.hasSuffix("/") ? String(self.config.issuer.dropLast()) : self.config.issuer
        let (data, status) = try await Self.fetch(
            URLRequest(url: try Self.url(issuer + "/.well-known/openid-configuration"))
        )
        guard status == 200, let discovery = try? JSONDecoder().decode(Discovery.self, from: data) else {
            throw IdentityError(
                .unavailable,
                "the sign-in provider's discovery document is unavailable (HTTP \(status))"
            )
        }
        guard discovery.issuer == self.config.issuer else {
            throw IdentityError(.unavailable, "the sign-in provider names another issuer (\(discovery.issuer))")
        }
        self.cache.withLockedValue { $0.discovery = discovery }
        return discovery
    }

    private func keys(refresh: Bool) async throws -> JWTKeyCollection {
        if !refresh, let cached = self.cache.withLockedValue({ $0.keys }) { return cached }
        let (data, status) = try await Self.fetch(URLRequest(url: try Self.url(try await self.discovery().jwksURI)))
        guard status == 200 else {
            throw IdentityError(.unavailable, "the sign-in provider's keys are unavailable (HTTP \(status))")
        }
        let keys = JWTKeyCollection()
        do {
            try await keys.add(jwksJSON: String(decoding: data, as: UTF8.self))
        } catch {
            throw IdentityError(.unavailable, "the sign-in provider's key set is malformed")
        }
        self.cache.withLockedValue { $0.keys = keys }
        return keys
    }

    private static func fetch(_ request: URLRequest) async throws -> (Data, Int) {
        var request = request
        request.timeoutInterval = 10
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return (data, (response as? HTTPURLResponse)?.statusCode ?? 0)
        } catch {
            throw IdentityError(.unavailable, "the sign-in provider cannot be reached: \(error.localizedDescription)")
        }
    }

    private static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text), url.scheme == "https" || url.scheme == "http" else {
            throw IdentityError(.unavailable, "the sign-in provider gave a URL that is not http(s): \(text.prefix(80))")
        }
        return url
    }

    private static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// The S256 code challenge of a PKCE verifier (RFC 7636 §4.2).
    static func codeChallenge(_ verifier: String) -> String {
        AccessTokenVerifier.base64URL(Array(SHA256.hash(data: Data(verifier.utf8))))
    }
}
