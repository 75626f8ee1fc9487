public import SoukAPI

/// A service account's access token from the OAuth 2.0 client-credentials grant (identity's `ClientCredentials`),
/// fetched on first use and again before it expires.
///
/// For programs and domains that call as themselves rather than for a person: the analytics worker following
/// events, a domain in one soukd calling another's service. Callers that need a new token at the same time share
/// one grant. A refused grant (a wrong or revoked secret) is thrown to the caller as the server's error; the
/// next call asks again.
///
/// ```swift
/// let tokens = ClientCredentialsTokenSource(clientID: id, clientSecret: secret, scopes: ["events.read"]) {
///     request in try await anonymous.identityService.clientCredentials(request)
/// }
/// try await SoukConnection.withServices(to: .local(), tokens: tokens) { services in … }
/// ```
public final class ClientCredentialsTokenSource: AccessTokenSource, CustomStringConvertible {
    /// Asks identity for a token (its `ClientCredentials` call).
    public typealias Grant =
        @Sendable (Souk_Identity_V1_ClientCredentialsRequest) async throws -> Souk_Identity_V1_ClientCredentialsResponse

    private let renewal: TokenRenewal<Souk_Identity_V1_ClientCredentialsResponse>
    private let request: Souk_Identity_V1_ClientCredentialsRequest
    private let margin: Duration
    private let now: RotatingTokenSource.WallClock
    private let grant: Grant

    /// A source for the service account `clientID`.
    ///
    /// - Parameters:
    ///   - clientID: The service account's client id.
    ///   - clientSecret: Its secret (kept in memory only, never in a description).
    ///   - scopes: The scopes to ask for; empty asks for all of the account's.
    ///   - margin: A token this close to its expiry is replaced before it is used; 30 seconds by default.
    ///   - now: The wall clock in milliseconds since 1970; the system's by default.
    ///   - grant: Performs the grant.
    public init(
        clientID: String,
        clientSecret: String,
        scopes: [String] = [],
        margin: Duration = .seconds(30),
        now: @escaping RotatingTokenSource.WallClock = RotatingTokenSource.systemNowUnixMs,
        grant: @escaping Grant
    ) {
        var request = Souk_Identity_V1_ClientCredentialsRequest()
        request.clientID = clientID
        request.clientSecret = clientSecret
        request.scopes = scopes
        self.request = request
        self.renewal = TokenRenewal(nil, ending: { _ in nil })
        self.margin = margin
        self.now = now
        self.grant = grant
    }

    /// The current token, granted first when there is none or it expires within the margin.
    public func accessToken() async throws -> String {
        let now = self.now()
        let marginMs = self.margin.wholeMilliseconds
        let request = self.request
        let grant = self.grant
        let granted = try await self.renewal.credential(
            isFresh: { ($0?.expiresAtUnixMs ?? 0) - marginMs > now },
            renew: { _ in try await grant(request) }
        )
        return granted.accessToken
    }

    /// The scopes of the current token (empty before the first grant).
    public var scopes: [String] {
        self.renewal.current?.scopes ?? []
    }

    /// Redacted: the secret and tokens never reach a log.
    public var description: String {
        "ClientCredentialsTokenSource(client \(self.request.clientID), secret and token redacted)"
    }
}
