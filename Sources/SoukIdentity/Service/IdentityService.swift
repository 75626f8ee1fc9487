import Foundation
import GRPCCore
package import Logging
package import PostgresNIO
import SoukAPI
package import SoukAccess
package import SoukDomain  // the init takes the host's WallClock
import SwiftProtobuf

/// `souk.identity.v1.IdentityService`: accounts, sessions, two-factor, service accounts, keys and the audit log.
///
/// Access to each method is decided before it runs (``AccessPolicy``, ``AuthorizationInterceptor``); inside,
/// the service acts only on the caller's own account unless the method is an admin or staff one.
package struct IdentityService: Souk_Identity_V1_IdentityService.SimpleServiceProtocol {
    /// Settings of the service.
    package struct Config: Sendable, Hashable {
        /// scrypt parameters of new password hashes.
        package var passwordParameters: PasswordHasher.Parameters
        /// How long an access token is valid.
        package var accessTokenLifetime: Duration
        /// How long a session lives without being refreshed.
        package var refreshTokenLifetime: Duration
        /// The issuer name authenticator apps show.
        package var totpIssuer: String
        /// Failed logins per account (email) within ``throttleWindow`` before further attempts are refused.
        package var maxFailuresPerAccount: Int
        /// Failed logins per client address within ``throttleWindow``.
        package var maxFailuresPerAddress: Int
        package var throttleWindow: Duration
        /// The external OpenID Connect provider people may sign in with, if any.
        package var externalProvider: ExternalProviderConfig?

        package init() {
            self.passwordParameters = .standard
            self.accessTokenLifetime = .seconds(15 * 60)
            self.refreshTokenLifetime = .seconds(30 * 24 * 3600)
            self.totpIssuer = "Souk"
            self.maxFailuresPerAccount = 5
            self.maxFailuresPerAddress = 50
            self.throttleWindow = .seconds(15 * 60)
            self.externalProvider = nil
        }
    }

    /// The service's name in health checks.
    package static let serviceName = "souk.identity.v1.IdentityService"

    let config: Config
    let store: any IdentityStore
    let ring: DataKeyRing
    let hasher: PasswordHasher
    let signingKeys: SigningKeys
    let externalProvider: OpenIDProvider?
    /// The verifier of this host's access tokens; reloaded at once when this service rotates the signing key.
    let verifier: AccessTokenVerifier
    let logger: Logger
    /// What tokens, sessions, one-time codes, pending sign-ins and the login throttle expire by.
    let wallClock: WallClock

    /// A service on `postgres`, sealing personal data with `ring`, whose expiries are set and checked by `wallClock`.
    package init(
        config: Config,
        postgres: PostgresClient,
        ring: DataKeyRing,
        logger: Logger,
        wallClock: WallClock = .system
    ) {
        self.init(
            config: config,
            store: PostgresIdentityStore(client: postgres, logger: logger, ring: ring, wallClock: wallClock),
            ring: ring,
            logger: logger,
            wallClock: wallClock
        )
    }

    /// A service on `store`, sealing personal data with `ring`, whose expiries are set and checked by `wallClock`.
    init(config: Config, store: any IdentityStore, ring: DataKeyRing, logger: Logger, wallClock: WallClock = .system) {
        self.config = config
        self.wallClock = wallClock
        self.store = store
        self.ring = ring
        self.hasher = PasswordHasher(parameters: config.passwordParameters)
        self.signingKeys = SigningKeys(store: self.store, ring: ring)
        self.externalProvider = config.externalProvider.map(OpenIDProvider.init(config:))
        let keys = self.signingKeys
        let store = self.store
        self.verifier = AccessTokenVerifier(
            keySource: { try await keys.publicKeys() },
            revocationSource: { since in try await store.revokedSessions(since: since) },
            now: { wallClock.now }
        )
        self.logger = logger
    }

    /// Creates the first signing key if needed and loads the newest; run after migrations, before serving.
    package func prepare() async throws {
        try await self.signingKeys.prepare()
        let sealed = try await self.store.sealEmails()
        if sealed > 0 { self.logger.notice("sealed emails at rest", metadata: ["accounts": "\(sealed)"]) }
    }

    /// The verifier of the tokens this service issues, reading public keys from the same database (replicas
    /// pick up a key rotated elsewhere when its first token arrives).
    package func makeVerifier() -> AccessTokenVerifier {
        self.verifier
    }

    // MARK: Shared helpers

    /// The caller, who must be there (the policy table guarantees it for non-public methods).
    func requireCaller() throws -> (Caller, UUID) {
        guard let caller = Caller.current, let id = UUID(uuidString: caller.accountID) else {
            throw IdentityError.unauthenticated("this call needs a signed-in caller")
        }
        return (caller, id)
    }

    /// The caller's account, which must still exist and be enabled.
    func callerAccount() async throws -> (Caller, AccountRecord) {
        let (caller, id) = try self.requireCaller()
        guard let account = try await self.store.account(id: id), !account.disabled else {
            throw IdentityError.unauthenticated("the account is disabled or gone")
        }
        return (caller, account)
    }

    /// The caller's session, which must not be revoked (checked in the database for security-sensitive calls; the
    /// verifier's view of revoked sessions may lag by up to a second).
    func requireLiveSession(_ caller: Caller) async throws -> UUID {
        guard let text = caller.sessionID, let session = UUID(uuidString: text),
            try await self.store.sessionIsLive(id: session)
        else { throw IdentityError.unauthenticated("the session has ended; sign in again") }
        return session
    }

    func audit(_ kind: String, account: UUID?, actor: UUID?, address: String, detail: String = "") async {
        do {
            try await self.store.audit(
                kind: kind,
                accountID: account,
                actorID: actor,
                clientAddress: address,
                detail: detail
            )
        } catch {
            self.logger.error("audit event not recorded", metadata: ["kind": "\(kind)", "error": "\(error)"])
        }
    }

    static func clientAddress(_ context: ServerContext) -> String {
        Caller.address(fromPeer: context.remotePeer)
    }

    /// The account as its owner or an admin sees it, personal fields opened.
    func message(for account: AccountRecord) throws -> Souk_Identity_V1_Account {
        var message = Souk_Identity_V1_Account()
        message.id = account.id.uuidString.lowercased()
        message.email = account.email
        message.displayName = account.displayName
        if let phone = account.phoneSealed {
            message.phone = try self.ring.open(phone, context: "account/\(account.id)/phone")
        }
        if let addresses = account.addressesSealed {
            let json = try self.ring.open(addresses, context: "account/\(account.id)/addresses")
            message.addresses = try Self.decodeAddresses(json)
        }
        message.preferredCurrency = account.preferredCurrency
        message.locale = account.locale
        message.roles = account.roleNames.sorted().map(Self.role)
        message.disabled = account.disabled
        message.totpEnabled = account.totpEnabled
        message.createdAtUnixMs = Int64(account.createdAt.timeIntervalSince1970 * 1000)
        return message
    }

    static func role(_ name: RoleName) -> Souk_Identity_V1_Role {
        switch name {
        case .customer: .customer
        case .staff: .staff
        case .admin: .admin
        case .service: .service
        }
    }

    static func roleName(_ role: Souk_Identity_V1_Role, field: String) throws -> RoleName {
        switch role {
        case .customer: return .customer
        case .staff: return .staff
        case .admin: return .admin
        case .service, .unspecified, .UNRECOGNIZED:
            throw IdentityError.invalidArgument("\(field): \(role) cannot be given to a person")
        }
    }

    static func encodeAddresses(_ addresses: [Souk_Identity_V1_Address]) throws -> String {
        let array = try addresses.map { try $0.jsonString() }
        return "[" + array.joined(separator: ",") + "]"
    }

    static func decodeAddresses(_ json: String) throws -> [Souk_Identity_V1_Address] {
        try Souk_Identity_V1_Account(jsonString: "{\"addresses\":\(json)}").addresses
    }
}
