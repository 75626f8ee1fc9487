package import SoukStorage

/// The analytics schema: the facts `souk-worker follow` copies from the domains' event streams (orders and their
/// lines, with customer, currency, place and time), the position of each stream it follows, and the leases that let
/// one worker or replica at a time run a job; and what has been exported to Google Analytics 4.
package enum AnalyticsMigrations {
    package static let schema = SchemaMigrations(
        schema: "analytics",
        migrations: [
            Migration(
                version: 1,
                name: "orders, order lines, followed streams, job leases",
                statements: [
                    // One row per order, kept at its latest status. Country and region come from the delivery
                    // address (empty for an order placed without one); no street, name or phone is copied.
                    """
                    CREATE TABLE analytics.orders (
                        order_id uuid PRIMARY KEY,
                        number bigint NOT NULL,
                        customer_id uuid NOT NULL,
                        status text NOT NULL,
                        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
                        goods_total_minor bigint NOT NULL,
                        total_minor bigint NOT NULL,
                        country text NOT NULL,
                        region text NOT NULL,
                        placed_at timestamptz NOT NULL,
                        updated_at timestamptz NOT NULL
                    )
                    """,
                    "CREATE INDEX orders_customer ON analytics.orders (customer_id, placed_at)",
                    "CREATE INDEX orders_placed ON analytics.orders (placed_at)",
                    """
                    CREATE TABLE analytics.order_lines (
                        order_id uuid NOT NULL REFERENCES analytics.orders (order_id) ON DELETE CASCADE,
                        line integer NOT NULL,
                        sku text NOT NULL,
                        quantity integer NOT NULL CHECK (quantity > 0),
                        unit_price_minor bigint NOT NULL,
                        line_total_minor bigint NOT NULL,
                        PRIMARY KEY (order_id, line)
                    )
                    """,
                    "CREATE INDEX order_lines_sku ON analytics.order_lines (sku)",
                    // The last event applied from each stream, and how many events of unknown types were skipped.
                    """
                    CREATE TABLE analytics.followed_streams (
                        stream text PRIMARY KEY,
                        position bigint NOT NULL CHECK (position >= 0),
                        applied bigint NOT NULL DEFAULT 0,
                        skipped bigint NOT NULL DEFAULT 0
                    )
                    """,
                    """
                    CREATE TABLE analytics.job_leases (
                        job text PRIMARY KEY,
                        holder text NOT NULL,
                        expires_at timestamptz NOT NULL
                    )
                    """,
                ]
            ),
            Migration(
                version: 2,
                name: "GA4 export position",
                statements: [
                    // What `souk-worker ga4 export` has done with each order's purchase and refund for a GA4
                    // property: sent (Google answered 2xx), rejected (the debug endpoint refused its batch; the
                    // message says why) or stale (older than the Measurement Protocol lets an event be
                    // back-dated). A row is written only after the outcome, in one transaction per batch.
                    """
                    CREATE TABLE analytics.ga4_exports (
                        measurement_id text NOT NULL,
                        order_id uuid NOT NULL,
                        event text NOT NULL CHECK (event IN ('purchase', 'refund')),
                        outcome text NOT NULL CHECK (outcome IN ('sent', 'rejected', 'stale')),
                        message text NOT NULL DEFAULT '',
                        exported_at timestamptz NOT NULL,
                        PRIMARY KEY (measurement_id, order_id, event)
                    )
                    """
                ]
            ),
        ]
    )
}
