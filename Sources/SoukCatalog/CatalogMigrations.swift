package import SoukStorage

/// The catalog's schema: a category tree, products with SKUs and prices per currency, full-text search in
/// Russian and English, and the exchange rates prices are converted with.
package enum CatalogMigrations {
    package static let schema = SchemaMigrations(
        schema: "catalog",
        migrations: [
            Migration(
                version: 1,
                name: "categories, products, SKUs, prices, search, exchange rates",
                statements: [
                    """
                    CREATE TABLE catalog.categories (
                        id uuid PRIMARY KEY,
                        parent_id uuid REFERENCES catalog.categories,
                        name text NOT NULL,
                        slug text NOT NULL UNIQUE,
                        created_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    """
                    CREATE TABLE catalog.products (
                        id uuid PRIMARY KEY,
                        category_id uuid NOT NULL REFERENCES catalog.categories,
                        title text NOT NULL,
                        description text NOT NULL DEFAULT '',
                        image_urls text[] NOT NULL DEFAULT '{}',
                        attributes text NOT NULL DEFAULT '{}',
                        state text NOT NULL CHECK (state IN ('draft', 'published')),
                        created_at timestamptz NOT NULL DEFAULT now(),
                        search tsvector GENERATED ALWAYS AS (
                            setweight(to_tsvector('russian'::regconfig, title), 'A')
                            || setweight(to_tsvector('english'::regconfig, title), 'A')
                            || to_tsvector('russian'::regconfig, description)
                            || to_tsvector('english'::regconfig, description)
                        ) STORED
                    )
                    """,
                    "CREATE INDEX products_search ON catalog.products USING gin (search)",
                    "CREATE INDEX products_category ON catalog.products (category_id, id)",
                    """
                    CREATE TABLE catalog.skus (
                        code text PRIMARY KEY,
                        product_id uuid NOT NULL REFERENCES catalog.products ON DELETE CASCADE,
                        attributes text NOT NULL DEFAULT '{}',
                        position int NOT NULL
                    )
                    """,
                    "CREATE INDEX skus_product ON catalog.skus (product_id, position)",
                    """
                    CREATE TABLE catalog.sku_prices (
                        sku text NOT NULL REFERENCES catalog.skus ON DELETE CASCADE,
                        currency text NOT NULL,
                        minor_units bigint NOT NULL CHECK (minor_units >= 0),
                        position int NOT NULL,
                        PRIMARY KEY (sku, currency)
                    )
                    """,
                    """
                    CREATE TABLE catalog.exchange_rates (
                        base text NOT NULL,
                        quote text NOT NULL,
                        mantissa bigint NOT NULL CHECK (mantissa > 0),
                        scale int NOT NULL,
                        source text NOT NULL,
                        effective_date text NOT NULL,
                        imported_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (base, quote, source, effective_date)
                    )
                    """,
                ]
            ),
            Migration(
                version: 2,
                name: "warehouses, stock, reservations",
                statements: [
                    "CREATE TABLE catalog.warehouses (code text PRIMARY KEY, name text NOT NULL)",
                    "INSERT INTO catalog.warehouses (code, name) VALUES ('MSK-1', 'Moscow'), ('SPB-1', 'Saint Petersburg')",
                    """
                    CREATE TABLE catalog.stock (
                        sku text NOT NULL REFERENCES catalog.skus ON DELETE CASCADE,
                        warehouse text NOT NULL REFERENCES catalog.warehouses,
                        on_hand integer NOT NULL CHECK (on_hand >= 0),
                        reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
                        PRIMARY KEY (sku, warehouse)
                    )
                    """,
                    """
                    CREATE TABLE catalog.reservations (
                        id uuid PRIMARY KEY,
                        sku text NOT NULL,
                        warehouse text NOT NULL,
                        quantity integer NOT NULL CHECK (quantity > 0),
                        expires_at timestamptz NOT NULL,
                        state text NOT NULL CHECK (state IN ('held', 'consumed', 'released')),
                        idempotency_key text UNIQUE,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        FOREIGN KEY (sku, warehouse) REFERENCES catalog.stock (sku, warehouse)
                    )
                    """,
                    "CREATE INDEX reservations_held ON catalog.reservations (expires_at) WHERE state = 'held'",
                ]
            ),
            Migration(
                version: 3,
                name: "carts",
                statements: [
                    """
                    CREATE TABLE catalog.cart_lines (
                        account_id uuid NOT NULL,
                        sku text NOT NULL REFERENCES catalog.skus ON DELETE CASCADE,
                        quantity integer NOT NULL CHECK (quantity > 0 AND quantity <= 1000),
                        added_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (account_id, sku)
                    )
                    """
                ]
            ),
            Migration(
                version: 4,
                name: "orders, their lines, rates and history; the outbox of domain events",
                statements: [
                    """
                    CREATE TABLE catalog.orders (
                        id uuid PRIMARY KEY,
                        number bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                        customer_id uuid NOT NULL,
                        status text NOT NULL CHECK (status IN (
                            'pending_payment', 'paid', 'packed', 'shipped', 'delivered', 'cancelled', 'refunded'
                        )),
                        currency text NOT NULL,
                        total_minor bigint NOT NULL CHECK (total_minor >= 0),
                        idempotency_key text NOT NULL,
                        request_fingerprint text NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now(),
                        UNIQUE (customer_id, idempotency_key)
                    )
                    """,
                    "CREATE INDEX orders_customer ON catalog.orders (customer_id, number DESC)",
                    "CREATE INDEX orders_status ON catalog.orders (status, number DESC)",
                    "CREATE INDEX orders_created ON catalog.orders (created_at)",
                    """
                    CREATE TABLE catalog.order_lines (
                        order_id uuid NOT NULL REFERENCES catalog.orders ON DELETE CASCADE,
                        position int NOT NULL,
                        sku text NOT NULL,
                        title text NOT NULL,
                        quantity int NOT NULL CHECK (quantity > 0),
                        unit_minor bigint NOT NULL CHECK (unit_minor >= 0),
                        line_minor bigint NOT NULL CHECK (line_minor >= 0),
                        warehouse text NOT NULL,
                        reservation_id uuid NOT NULL REFERENCES catalog.reservations,
                        PRIMARY KEY (order_id, position)
                    )
                    """,
                    """
                    CREATE TABLE catalog.order_rates (
                        order_id uuid NOT NULL REFERENCES catalog.orders ON DELETE CASCADE,
                        base text NOT NULL,
                        quote text NOT NULL,
                        mantissa bigint NOT NULL,
                        scale int NOT NULL,
                        source text NOT NULL,
                        effective_date text NOT NULL,
                        PRIMARY KEY (order_id, base, quote)
                    )
                    """,
                    """
                    CREATE TABLE catalog.order_history (
                        order_id uuid NOT NULL REFERENCES catalog.orders ON DELETE CASCADE,
                        seq int NOT NULL,
                        from_status text,
                        to_status text NOT NULL,
                        actor_id uuid NOT NULL,
                        at timestamptz NOT NULL DEFAULT now(),
                        note text NOT NULL DEFAULT '',
                        PRIMARY KEY (order_id, seq)
                    )
                    """,
                    // Positions commit in order: writers take one advisory lock just before their insert (see
                    // OrderStore), so a consumer reading "after my position" never skips a later-committing row.
                    """
                    CREATE TABLE catalog.outbox (
                        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        type text NOT NULL,
                        aggregate_id uuid NOT NULL,
                        occurred_at timestamptz NOT NULL DEFAULT now(),
                        payload bytea NOT NULL
                    )
                    """,
                ]
            ),
            Migration(
                version: 5,
                name: "the rates' version (newest import) from an index",
                statements: [
                    "CREATE INDEX exchange_rates_imported ON catalog.exchange_rates (imported_at)"
                ]
            ),
            Migration(
                version: 6,
                name: "SKU package sizes: weight in grams, sides in millimetres, 0 where not said",
                statements: [
                    """
                    ALTER TABLE catalog.skus
                        ADD COLUMN IF NOT EXISTS weight_grams integer NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
                        ADD COLUMN IF NOT EXISTS length_mm integer NOT NULL DEFAULT 0 CHECK (length_mm >= 0),
                        ADD COLUMN IF NOT EXISTS width_mm integer NOT NULL DEFAULT 0 CHECK (width_mm >= 0),
                        ADD COLUMN IF NOT EXISTS height_mm integer NOT NULL DEFAULT 0 CHECK (height_mm >= 0)
                    """
                ]
            ),
            // A warehouse's address is the company's, not a person's: plain columns, unlike a profile's.
            Migration(
                version: 7,
                name: "warehouse addresses and whether a warehouse takes new reservations",
                statements: [
                    """
                    ALTER TABLE catalog.warehouses
                        ADD COLUMN IF NOT EXISTS recipient text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS line1 text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS line2 text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS city text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS postal_code text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS country text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS region text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS phone text NOT NULL DEFAULT '',
                        ADD COLUMN IF NOT EXISTS active boolean NOT NULL DEFAULT true
                    """,
                    """
                    UPDATE catalog.warehouses SET recipient = 'Souk dispatch', line1 = 'ul. Myasnitskaya, 24/7, bld. 1',
                        city = 'Moscow', postal_code = '101000', country = 'RU', region = 'Moscow',
                        phone = '+7 495 123-45-67'
                    WHERE code = 'MSK-1' AND city = ''
                    """,
                    """
                    UPDATE catalog.warehouses SET recipient = 'Souk dispatch', line1 = 'Nevsky prospekt, 28',
                        city = 'Saint Petersburg', postal_code = '190000', country = 'RU', region = 'Saint Petersburg',
                        phone = '+7 812 123-45-67'
                    WHERE code = 'SPB-1' AND city = ''
                    """,
                ]
            ),
            Migration(
                version: 8,
                name:
                    "an order's shipping line (the delivery quote it was placed with) and its sealed delivery address",
                statements: [
                    // The quote as placed (a serialized souk.catalog.v1.OrderShipping without the address), and the
                    // address sealed under the data key ring, bound to the order: never readable from a dump.
                    "ALTER TABLE catalog.orders ADD COLUMN shipping bytea, ADD COLUMN delivery_address_sealed text"
                ]
            ),
            // What every replica's product cache must hear of (see CatalogChange): notifications at commit, one per
            // distinct payload and transaction. Stock notifies only when a SKU's availability flips, so orders
            // against ample stock notify nothing.
            Migration(
                version: 9,
                name: "notifications on souk_catalog when a product read, the warehouses or the rates change",
                statements: [
                    // The product a row names, in the column the trigger passes (`id` of products, `product_id` of SKUs).
                    """
                    CREATE FUNCTION catalog.notify_product_row() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('souk_catalog', to_jsonb(OLD) ->> TG_ARGV[0]); END IF;
                        IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('souk_catalog', to_jsonb(NEW) ->> TG_ARGV[0]); END IF;
                        RETURN NULL;
                    END $$
                    """,
                    // For prices and stock, rows naming a SKU: its product, if the SKU is still there (a SKU's own
                    // deletion notifies through the SKU trigger).
                    """
                    CREATE FUNCTION catalog.notify_sku_child_row() RETURNS trigger LANGUAGE plpgsql AS $$
                    DECLARE
                        product uuid;
                    BEGIN
                        IF TG_OP <> 'INSERT' THEN
                            SELECT product_id INTO product FROM catalog.skus WHERE code = OLD.sku;
                            IF product IS NOT NULL THEN PERFORM pg_notify('souk_catalog', product::text); END IF;
                        END IF;
                        IF TG_OP <> 'DELETE' THEN
                            SELECT product_id INTO product FROM catalog.skus WHERE code = NEW.sku;
                            IF product IS NOT NULL THEN PERFORM pg_notify('souk_catalog', product::text); END IF;
                        END IF;
                        RETURN NULL;
                    END $$
                    """,
                    """
                    CREATE FUNCTION catalog.notify_everything() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        PERFORM pg_notify('souk_catalog', '*');
                        RETURN NULL;
                    END $$
                    """,
                    """
                    CREATE FUNCTION catalog.notify_rates() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        PERFORM pg_notify('souk_catalog', 'rates');
                        RETURN NULL;
                    END $$
                    """,
                    """
                    CREATE TRIGGER products_notify AFTER INSERT OR UPDATE OR DELETE ON catalog.products
                    FOR EACH ROW EXECUTE FUNCTION catalog.notify_product_row('id')
                    """,
                    """
                    CREATE TRIGGER skus_notify AFTER INSERT OR UPDATE OR DELETE ON catalog.skus
                    FOR EACH ROW EXECUTE FUNCTION catalog.notify_product_row('product_id')
                    """,
                    """
                    CREATE TRIGGER sku_prices_notify AFTER INSERT OR UPDATE OR DELETE ON catalog.sku_prices
                    FOR EACH ROW EXECUTE FUNCTION catalog.notify_sku_child_row()
                    """,
                    """
                    CREATE TRIGGER stock_notify_update AFTER UPDATE ON catalog.stock
                    FOR EACH ROW WHEN (
                        (OLD.on_hand - OLD.reserved > 0) IS DISTINCT FROM (NEW.on_hand - NEW.reserved > 0)
                        OR OLD.sku IS DISTINCT FROM NEW.sku OR OLD.warehouse IS DISTINCT FROM NEW.warehouse
                    )
                    EXECUTE FUNCTION catalog.notify_sku_child_row()
                    """,
                    """
                    CREATE TRIGGER stock_notify_insert AFTER INSERT ON catalog.stock
                    FOR EACH ROW WHEN (NEW.on_hand - NEW.reserved > 0) EXECUTE FUNCTION catalog.notify_sku_child_row()
                    """,
                    """
                    CREATE TRIGGER stock_notify_delete AFTER DELETE ON catalog.stock
                    FOR EACH ROW WHEN (OLD.on_hand - OLD.reserved > 0) EXECUTE FUNCTION catalog.notify_sku_child_row()
                    """,
                    """
                    CREATE TRIGGER warehouses_notify AFTER INSERT OR DELETE OR UPDATE OF active ON catalog.warehouses
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog.notify_everything()
                    """,
                    """
                    CREATE TRIGGER exchange_rates_notify AFTER INSERT OR UPDATE OR DELETE ON catalog.exchange_rates
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog.notify_rates()
                    """,
                ]
            ),
        ]
    )
}
