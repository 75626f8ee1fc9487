package import SoukStorage

/// The payments schema: payments with their history and refunds, the provider events already processed, the
/// outbox of payment events, and reconciliation reports.
package enum PaymentsMigrations {
    package static let schema = SchemaMigrations(
        schema: "payments",
        migrations: [
            Migration(
                version: 1,
                name: "payments, history, refunds, processed provider events, outbox, reconciliation reports",
                statements: [
                    """
                    CREATE TABLE payments.payments (
                        id uuid PRIMARY KEY,
                        number bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                        order_id uuid NOT NULL,
                        customer_id uuid NOT NULL,
                        idempotency_key text NOT NULL,
                        status text NOT NULL CHECK (status IN (
                            'created', 'requires_action', 'authorized', 'captured', 'partially_refunded', 'refunded',
                            'failed', 'cancelled', 'expired'
                        )),
                        currency text NOT NULL,
                        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
                        captured_minor bigint NOT NULL DEFAULT 0 CHECK (captured_minor >= 0),
                        refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
                        provider text NOT NULL,
                        provider_reference text,
                        manual_capture boolean NOT NULL,
                        failure_reason text NOT NULL DEFAULT '',
                        confirmation_url text NOT NULL DEFAULT '',
                        order_status_synced text NOT NULL DEFAULT '',
                        created_at timestamptz NOT NULL,
                        updated_at timestamptz NOT NULL,
                        UNIQUE (customer_id, idempotency_key),
                        UNIQUE (provider, provider_reference),
                        CHECK (captured_minor <= amount_minor AND refunded_minor <= captured_minor)
                    )
                    """,
                    "CREATE INDEX payments_order ON payments.payments (order_id, number)",
                    "CREATE INDEX payments_created ON payments.payments (created_at)",
                    """
                    CREATE TABLE payments.payment_history (
                        payment_id uuid NOT NULL REFERENCES payments.payments,
                        seq integer NOT NULL,
                        from_status text,
                        to_status text NOT NULL,
                        actor text NOT NULL,
                        at timestamptz NOT NULL,
                        provider_event_id text NOT NULL DEFAULT '',
                        note text NOT NULL DEFAULT '',
                        PRIMARY KEY (payment_id, seq)
                    )
                    """,
                    """
                    CREATE TABLE payments.refunds (
                        id uuid PRIMARY KEY,
                        payment_id uuid NOT NULL REFERENCES payments.payments,
                        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
                        reason text NOT NULL,
                        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
                        restock boolean NOT NULL,
                        provider_reference text,
                        actor text NOT NULL,
                        idempotency_key text NOT NULL,
                        created_at timestamptz NOT NULL,
                        UNIQUE (payment_id, idempotency_key)
                    )
                    """,
                    // A provider event is processed once: its id is recorded in the transaction that applies it.
                    """
                    CREATE TABLE payments.processed_events (
                        provider text NOT NULL,
                        event_id text NOT NULL,
                        payment_id uuid,
                        processed_at timestamptz NOT NULL,
                        PRIMARY KEY (provider, event_id)
                    )
                    """,
                    // Writers take one advisory lock just before their insert, so positions commit in order.
                    """
                    CREATE TABLE payments.outbox (
                        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        type text NOT NULL,
                        aggregate_id uuid NOT NULL,
                        occurred_at timestamptz NOT NULL,
                        payload bytea NOT NULL
                    )
                    """,
                    """
                    CREATE TABLE payments.reconciliation_reports (
                        id uuid PRIMARY KEY,
                        from_at timestamptz NOT NULL,
                        before_at timestamptz NOT NULL,
                        provider text NOT NULL,
                        souk_count integer NOT NULL,
                        provider_count integer NOT NULL,
                        report bytea NOT NULL,
                        actor text NOT NULL,
                        created_at timestamptz NOT NULL
                    )
                    """,
                ]
            )
        ]
    )
}
