package import GRPCCore

/// Who is making the current call, as the access token says; set by ``AuthorizationInterceptor`` for the call's
/// handler. Services check ownership against ``accountID`` rather than trusting ids in requests.
package struct Caller: Sendable, Hashable {
    /// The account the token was issued to.
    package var accountID: String
    /// The session the token belongs to (nil for client-credentials tokens).
    package var sessionID: String?
    /// The account's roles when the token was issued.
    package var roles: Set<RoleName>
    /// For service accounts, the granted scopes (permissions).
    package var scopes: Set<Permission>
    /// The account must change its one-time password before anything else.
    package var mustChangePassword: Bool
    /// The caller's network address, without the port.
    package var clientAddress: String
    /// The person's preferred currency (ISO 4217) from the token, if it carried one.
    package var preferredCurrency: String?
    /// The access token the call carried, so a call made on the caller's behalf to another domain is authorized
    /// there as them (``onBehalfMetadata``), never with more rights.
    package var token: AccessToken?

    package init(
        accountID: String,
        sessionID: String?,
        roles: Set<RoleName>,
        scopes: Set<Permission>,
        mustChangePassword: Bool,
        clientAddress: String,
        preferredCurrency: String? = nil,
        token: AccessToken? = nil
    ) {
        self.accountID = accountID
        self.sessionID = sessionID
        self.roles = roles
        self.scopes = scopes
        self.mustChangePassword = mustChangePassword
        self.clientAddress = clientAddress
        self.preferredCurrency = preferredCurrency
        self.token = token
    }

    /// Metadata that makes a call to another domain on the caller's behalf: their own bearer token.
    package var onBehalfMetadata: Metadata {
        guard let token = self.token else { return [:] }
        return ["authorization": "Bearer \(token.value)"]
    }

    /// Everything the caller's roles and scopes grant.
    package var permissions: Set<Permission> {
        self.roles.reduce(into: self.scopes) { $0.formUnion(RolePermissions.permissions(of: $1)) }
    }

    /// Whether the caller has `permission`.
    package func has(_ permission: Permission) -> Bool {
        self.permissions.contains(permission)
    }

    /// The caller of the call being handled, if it presented a valid token.
    @TaskLocal package static var current: Caller?

    /// The address part of a GRPCCore peer string (`ipv4:127.0.0.1:5000` → `127.0.0.1`).
    package static func address(fromPeer peer: String) -> String {
        if peer.hasPrefix("ipv4:") {
            let rest = peer.dropFirst(5)
            return String(rest.split(separator: ":").first ?? rest[...])
        }
        if peer.hasPrefix("ipv6:") {
            let rest = peer.dropFirst(5)
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                return String(rest[rest.index(after: rest.startIndex)..<close])
            }
            return String(rest)
        }
        return peer
    }
}

/// A bearer token as a value that never prints itself (logs show `AccessToken(redacted)`).
package struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The compact JWT.
    package let value: String

    package init(_ value: String) {
        self.value = value
    }

    package var description: String { "AccessToken(redacted)" }
    package var debugDescription: String { self.description }
}
