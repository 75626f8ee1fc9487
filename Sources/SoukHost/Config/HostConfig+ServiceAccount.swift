extension HostConfig {
    /// The service account a host's domains call other domains as, when a call carries no person's token: an
    /// OAuth 2.0 client-credentials grant at identity (`--service-client-id`, the secret only in
    /// `SOUK_SERVICE_CLIENT_SECRET`). Created with `soukctl service-accounts create` or identity's
    /// `CreateServiceAccount`; its scopes bound what the domains may do as themselves.
    package struct ServiceAccount: Sendable, Hashable, CustomStringConvertible {
        /// The service account's client id.
        package var clientID: String
        /// Its secret; never printed.
        package var clientSecret: String

        package init(clientID: String, clientSecret: String) {
            self.clientID = clientID
            self.clientSecret = clientSecret
        }

        /// The client id; the secret is redacted.
        package var description: String { "service account \(self.clientID) (secret redacted)" }
    }
}
