/// An OpenID Connect provider to sign in with: issuer, client id and secret, and where it sends people back.
package struct ExternalProviderConfig: Sendable, Hashable {
    /// The issuer URL; its discovery document is `<issuer>/.well-known/openid-configuration`.
    package var issuer: String
    package var clientID: String
    package var clientSecret: String
    /// The redirect URI registered with the provider (the bridge's callback page).
    package var redirectURI: String

    package init(issuer: String, clientID: String, clientSecret: String, redirectURI: String) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
    }
}
