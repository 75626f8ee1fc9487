package import SoukStorage

/// The recommendations schema: every published version, the one served, and the lists of the versions kept.
package enum RecommendationsMigrations {
    package static let schema = SchemaMigrations(
        schema: "recommendations",
        migrations: [
            Migration(
                version: 1,
                name: "versions, the served version, lists",
                statements: [
                    """
                    CREATE TABLE recommendations.versions (
                        version bigserial PRIMARY KEY,
                        published_at timestamptz NOT NULL,
                        customers integer NOT NULL DEFAULT 0,
                        products integer NOT NULL DEFAULT 0
                    )
                    """,
                    // One row: the version calls are served from. A publication switches it as it commits.
                    """
                    CREATE TABLE recommendations.served (
                        id integer PRIMARY KEY CHECK (id = 1),
                        version bigint NOT NULL REFERENCES recommendations.versions (version)
                    )
                    """,
                    // One row per list: a customer's, a product's neighbours, or the popular list (subject '').
                    """
                    CREATE TABLE recommendations.lists (
                        version bigint NOT NULL REFERENCES recommendations.versions (version) ON DELETE CASCADE,
                        kind text NOT NULL CHECK (kind IN ('customer', 'product', 'popular')),
                        subject text NOT NULL,
                        products text[] NOT NULL,
                        scores double precision[] NOT NULL,
                        PRIMARY KEY (version, kind, subject),
                        CHECK (cardinality(products) = cardinality(scores))
                    )
                    """,
                ]
            )
        ]
    )
}
