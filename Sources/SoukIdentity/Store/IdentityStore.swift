/// Everything ``IdentityService`` reads and writes: accounts, two-factor, sessions, signing keys, service
/// accounts, external sign-ins, the login throttle and the audit log.
///
/// ``PostgresIdentityStore`` is the implementation the service runs on; ``SigningKeys`` needs only a
/// ``SigningKeyStore``.
typealias IdentityStore =
    AccountStore & AuditStore & ExternalSignInStore & ServiceAccountStore & SessionStore & SigningKeyStore
    & ThrottleStore & TwoFactorStore
