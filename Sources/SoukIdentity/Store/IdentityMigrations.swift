package import SoukStorage

/// The identity service's schema. Personal data (phone, addresses) and TOTP secrets are stored sealed with the
/// data key ring (`*_sealed` columns); passwords, refresh tokens, recovery codes and client secrets only as
/// hashes. The email, the sign-in name, is sealed too and found by a blind index (an HMAC of its lower-cased form).
package enum IdentityMigrations {
    package static let schema = SchemaMigrations(
        schema: "identity",
        migrations: [
            Migration(
                version: 1,
                name: "accounts, sessions, two-factor, keys, service accounts, audit, throttling",
                statements: [
                    """
                    CREATE TABLE identity.accounts (
                        id uuid PRIMARY KEY,
                        email text NOT NULL,
                        email_key text NOT NULL UNIQUE,
                        password_hash text,
                        display_name text NOT NULL DEFAULT '',
                        phone_sealed text,
                        addresses_sealed text,
                        preferred_currency text NOT NULL DEFAULT 'RUB',
                        locale text NOT NULL DEFAULT 'ru-RU',
                        roles text[] NOT NULL,
                        disabled boolean NOT NULL DEFAULT false,
                        password_change_required boolean NOT NULL DEFAULT false,
                        totp_secret_sealed text,
                        totp_enabled boolean NOT NULL DEFAULT false,
                        totp_last_step bigint NOT NULL DEFAULT 0,
                        created_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    "CREATE INDEX accounts_roles ON identity.accounts USING gin (roles)",
                    """
                    CREATE TABLE identity.recovery_codes (
                        account_id uuid NOT NULL REFERENCES identity.accounts ON DELETE CASCADE,
                        code_hash text NOT NULL,
                        used_at timestamptz,
                        PRIMARY KEY (account_id, code_hash)
                    )
                    """,
                    """
                    CREATE TABLE identity.sessions (
                        id uuid PRIMARY KEY,
                        account_id uuid NOT NULL REFERENCES identity.accounts ON DELETE CASCADE,
                        refresh_hash text NOT NULL UNIQUE,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        last_used_at timestamptz NOT NULL DEFAULT now(),
                        expires_at timestamptz NOT NULL,
                        client_address text NOT NULL DEFAULT '',
                        revoked_at timestamptz,
                        revoked_reason text
                    )
                    """,
                    "CREATE INDEX sessions_account ON identity.sessions (account_id)",
                    """
                    CREATE TABLE identity.used_refresh_tokens (
                        token_hash text PRIMARY KEY,
                        session_id uuid NOT NULL REFERENCES identity.sessions ON DELETE CASCADE
                    )
                    """,
                    """
                    CREATE TABLE identity.signing_keys (
                        kid text PRIMARY KEY,
                        public_key text NOT NULL,
                        private_key_sealed text NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    """
                    CREATE TABLE identity.service_accounts (
                        client_id text PRIMARY KEY,
                        account_id uuid NOT NULL REFERENCES identity.accounts ON DELETE CASCADE,
                        secret_hash text NOT NULL,
                        scopes text[] NOT NULL
                    )
                    """,
                    """
                    CREATE TABLE identity.audit_events (
                        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        at timestamptz NOT NULL DEFAULT now(),
                        kind text NOT NULL,
                        account_id uuid,
                        actor_id uuid,
                        client_address text NOT NULL DEFAULT '',
                        detail text NOT NULL DEFAULT ''
                    )
                    """,
                    "CREATE INDEX audit_events_account ON identity.audit_events (account_id, id)",
                    """
                    CREATE TABLE identity.failed_attempts (
                        key text NOT NULL,
                        at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    "CREATE INDEX failed_attempts_key ON identity.failed_attempts (key, at)",
                ]
            ),
            Migration(
                version: 2,
                name: "external OpenID Connect sign-in",
                statements: [
                    """
                    CREATE TABLE identity.external_sign_ins (
                        state_hash text PRIMARY KEY,
                        code_verifier_sealed text NOT NULL,
                        nonce text NOT NULL,
                        expires_at timestamptz NOT NULL
                    )
                    """,
                    """
                    CREATE TABLE identity.external_identities (
                        issuer text NOT NULL,
                        subject text NOT NULL,
                        account_id uuid NOT NULL REFERENCES identity.accounts ON DELETE CASCADE,
                        linked_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (issuer, subject)
                    )
                    """,
                ]
            ),
            Migration(
                version: 3,
                name: "revoked sessions by time, for every process's token verifier",
                statements: [
                    "CREATE INDEX sessions_revoked_at ON identity.sessions (revoked_at) WHERE revoked_at IS NOT NULL"
                ]
            ),
            Migration(
                version: 4,
                name: "emails sealed at rest, found by a blind index",
                statements: [
                    // The start-up pass (IdentityService.prepare) seals existing emails, replaces email_key's
                    // lower-cased email with the blind index, and clears the plain column.
                    "ALTER TABLE identity.accounts ADD COLUMN email_sealed text",
                    "ALTER TABLE identity.accounts ALTER COLUMN email DROP NOT NULL",
                ]
            ),
        ]
    )
}
