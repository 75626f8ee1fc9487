package import SoukStorage

/// The delivery schema: the merchant's tariff, quotes, shipments with their history, the courier events already
/// processed, the outbox of delivery events, and the positions of the event streams delivery follows.
package enum DeliveryMigrations {
    package static let schema = SchemaMigrations(
        schema: "delivery",
        migrations: [
            Migration(
                version: 1,
                name: "tariff, quotes, shipments, history, processed courier events, outbox, followed streams",
                statements: [
                    """
                    CREATE TABLE delivery.tariff (
                        id integer PRIMARY KEY CHECK (id = 1),
                        tariff bytea NOT NULL,
                        actor text NOT NULL,
                        updated_at timestamptz NOT NULL
                    )
                    """,
                    // A quote holds a price for one customer's cart to one place; the street is not needed for it
                    // and is not stored.
                    """
                    CREATE TABLE delivery.quotes (
                        id uuid PRIMARY KEY,
                        customer_id uuid NOT NULL,
                        carrier text NOT NULL,
                        service_code text NOT NULL,
                        service_name text NOT NULL,
                        courier_reference text NOT NULL DEFAULT '',
                        currency text NOT NULL,
                        price_minor bigint NOT NULL CHECK (price_minor >= 0),
                        min_days integer NOT NULL,
                        max_days integer NOT NULL,
                        country text NOT NULL,
                        region text NOT NULL,
                        city text NOT NULL,
                        postal_code text NOT NULL,
                        cart text NOT NULL,
                        weight_grams integer NOT NULL,
                        volume_cm3 bigint NOT NULL,
                        expires_at timestamptz NOT NULL,
                        created_at timestamptz NOT NULL
                    )
                    """,
                    "CREATE INDEX quotes_expiry ON delivery.quotes (expires_at)",
                    """
                    CREATE TABLE delivery.shipments (
                        id uuid PRIMARY KEY,
                        number bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                        order_id uuid NOT NULL UNIQUE,
                        order_number bigint NOT NULL,
                        customer_id uuid NOT NULL,
                        quote_id uuid,
                        status text NOT NULL CHECK (status IN (
                            'created', 'handed_over', 'in_transit', 'out_for_delivery', 'delivered', 'failed_attempt',
                            'returned'
                        )),
                        carrier text NOT NULL,
                        service_code text NOT NULL,
                        service_name text NOT NULL,
                        courier_reference text NOT NULL DEFAULT '',
                        tracking_number text NOT NULL DEFAULT '',
                        label_url text NOT NULL DEFAULT '',
                        registration_error text NOT NULL DEFAULT '',
                        origin_warehouse text NOT NULL,
                        origin_city text NOT NULL,
                        destination_country text NOT NULL,
                        destination_region text NOT NULL,
                        destination_city text NOT NULL,
                        currency text NOT NULL,
                        cost_minor bigint NOT NULL CHECK (cost_minor >= 0),
                        promised_min_days integer NOT NULL,
                        promised_max_days integer NOT NULL,
                        handed_over_at timestamptz,
                        delivered_at timestamptz,
                        created_at timestamptz NOT NULL,
                        updated_at timestamptz NOT NULL
                    )
                    """,
                    "CREATE INDEX shipments_status ON delivery.shipments (status, number)",
                    """
                    CREATE TABLE delivery.shipment_history (
                        shipment_id uuid NOT NULL REFERENCES delivery.shipments,
                        seq integer NOT NULL,
                        from_status text,
                        to_status text NOT NULL,
                        source text NOT NULL,
                        at timestamptz NOT NULL,
                        courier_status text NOT NULL DEFAULT '',
                        note text NOT NULL DEFAULT '',
                        PRIMARY KEY (shipment_id, seq)
                    )
                    """,
                    """
                    CREATE TABLE delivery.processed_courier_events (
                        carrier text NOT NULL,
                        event_id text NOT NULL,
                        processed_at timestamptz NOT NULL,
                        PRIMARY KEY (carrier, event_id)
                    )
                    """,
                    // Writers take one advisory lock just before their insert, so positions commit in order.
                    """
                    CREATE TABLE delivery.outbox (
                        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        type text NOT NULL,
                        aggregate_id uuid NOT NULL,
                        occurred_at timestamptz NOT NULL,
                        payload bytea NOT NULL
                    )
                    """,
                    // The last position of each followed stream ("orders"), advanced in the transaction that acts on
                    // the event.
                    """
                    CREATE TABLE delivery.followed_streams (
                        stream text PRIMARY KEY,
                        position bigint NOT NULL
                    )
                    """,
                ]
            ),
            Migration(
                version: 2,
                name: "quotes keep the parcel's sides; shipments keep a courier booking's draft and its retry time",
                statements: [
                    """
                    ALTER TABLE delivery.quotes
                        ADD COLUMN length_mm integer NOT NULL DEFAULT 0,
                        ADD COLUMN width_mm integer NOT NULL DEFAULT 0,
                        ADD COLUMN height_mm integer NOT NULL DEFAULT 0
                    """,
                    // The draft is what a booking saved before its step that cannot be repeated (CDEK's order sent,
                    // EasyPost's shipment to buy): the next attempt looks for what it made first. A failed booking
                    // is tried again after a delay that doubles with each attempt.
                    """
                    ALTER TABLE delivery.shipments
                        ADD COLUMN registration_draft text NOT NULL DEFAULT '',
                        ADD COLUMN registration_attempts integer NOT NULL DEFAULT 0,
                        ADD COLUMN registration_retry_at timestamptz
                    """,
                ]
            ),
            Migration(
                version: 3,
                name: "a shipment is cancelled when its order is refunded before the parcel left",
                statements: [
                    """
                    ALTER TABLE delivery.shipments DROP CONSTRAINT shipments_status_check,
                        ADD CONSTRAINT shipments_status_check CHECK (status IN (
                            'created', 'handed_over', 'in_transit', 'out_for_delivery', 'delivered',
                            'failed_attempt', 'returned', 'cancelled'
                        ))
                    """
                ]
            ),
        ]
    )
}
