import SoukStorage

/// The host's own schema: a record of every start, which shows that a data folder is reused across runs.
enum HostMigrations {
    static let schema = SchemaMigrations(
        schema: "souk_host",
        migrations: [
            Migration(
                version: 1,
                name: "record starts",
                statements: [
                    """
                    CREATE TABLE souk_host.starts (
                        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                        started_at timestamptz NOT NULL DEFAULT now(),
                        services text NOT NULL
                    )
                    """
                ]
            )
        ]
    )
}
