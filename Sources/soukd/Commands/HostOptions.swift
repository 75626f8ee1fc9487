import ArgumentParser

/// Flags shared by every soukd command; each has an environment variable (see `Config+Environment.swift`).
struct HostOptions: ParsableArguments {
    @Option(help: "Services to host: 'all' or a comma-separated list. [env: SOUK_SERVICES]")
    var services: String?

    @Option(
        help: """
            Where a domain this soukd calls but does not host runs, as NAME=HOST:PORT (its SWP port); repeatable. \
            [env: SOUK_REMOTE, comma-separated]
            """
    )
    var remote: [String] = []

    @Option(
        help:
            "The CA (PEM) the --remote soukds' certificates are checked against. [env: SOUK_REMOTE_CA] (default: system roots)"
    )
    var remoteCa: String?

    @Option(
        help: """
            The service account the domains here call other domains as when a call carries no person's token. \
            [env: SOUK_SERVICE_CLIENT_ID; the secret only in SOUK_SERVICE_CLIENT_SECRET] (default: none)
            """
    )
    var serviceClientId: String?

    @Option(help: "Address the RPC listeners bind. [env: SOUK_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port of SWP/1, Souk's wire; 0 picks a free port. [env: SOUK_SWP_PORT] (default: 7700)")
    var swpPort: Int?

    @Option(help: "Port of gRPC over HTTP/2; 0 picks a free port. [env: SOUK_GRPC_PORT] (default: 7701)")
    var grpcPort: Int?

    @Option(
        help: """
            Serve Prometheus metrics on this port (GET /metrics, plain HTTP); 0 picks a free port. \
            [env: SOUK_METRICS_PORT] (default: off)
            """
    )
    var metricsPort: Int?

    @Option(help: "Address the metrics port binds. [env: SOUK_METRICS_HOST] (default: 127.0.0.1)")
    var metricsHost: String?

    @Option(help: "Data folder: embedded PostgreSQL, development CA. [env: SOUK_DATA_FOLDER] (default: ./.souk)")
    var dataFolder: String?

    @Option(help: "Use this PostgreSQL server instead of the embedded one. [env: DATABASE_URL]")
    var databaseURL: String?

    @Option(
        help: """
            Redis for the shared caches (redis://[[user]:password@]host[:port][/db], rediss:// is not supported, \
            unix:///path), or 'off'. [env: SOUK_REDIS_URL] (default: with the embedded database, a redis-server in \
            the data folder when a hosted domain caches; none otherwise)
            """
    )
    var redisURL: String?

    @Option(help: "Server certificate chain (PEM) instead of the development CA. [env: SOUK_TLS_CERT]")
    var tlsCert: String?

    @Option(help: "Private key (PEM) of --tls-cert. [env: SOUK_TLS_KEY]")
    var tlsKey: String?

    @Option(help: "Require client certificates signed by this CA (PEM): mutual TLS. [env: SOUK_TLS_CLIENT_CA]")
    var tlsClientCa: String?

    @Flag(help: "Serve without TLS (loopback tests and benchmarks only). [env: SOUK_PLAINTEXT=1]")
    var plaintext: Bool = false

    @Option(help: "Seconds in-flight calls may run after SIGTERM. [env: SOUK_DRAIN_TIMEOUT] (default: 10)")
    var drainTimeout: Double?

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: SOUK_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(
        help: """
            File of the keys that seal personal data at rest (id:base64 lines, newest first, mode 0600). \
            [env: SOUK_DATA_KEYS_FILE; or the lines themselves in SOUK_DATA_KEYS] (default: <data folder>/keys/data-keys, \
            created on first start)
            """
    )
    var dataKeys: String?

    @Option(help: "OpenID Connect issuer URL people may sign in with (needs the three below). [env: SOUK_OIDC_ISSUER]")
    var oidcIssuer: String?

    @Option(help: "The client id registered with the OpenID Connect provider. [env: SOUK_OIDC_CLIENT_ID]")
    var oidcClientId: String?

    @Option(help: "The redirect URI registered with the provider. [env: SOUK_OIDC_REDIRECT_URI]")
    var oidcRedirectUri: String?

    @Option(
        help: """
            Stripe's API address (a contract server in tests). Keys only in SOUK_STRIPE_SECRET_KEY and \
            SOUK_STRIPE_WEBHOOK_SECRET, or the files their _FILE variables name (mode 0600). [env: SOUK_STRIPE_URL] \
            (default: https://api.stripe.com)
            """
    )
    var stripeUrl: String?

    @Option(help: "YooKassa's API address. [env: SOUK_YOOKASSA_URL] (default: https://api.yookassa.ru)")
    var yookassaUrl: String?

    @Option(
        help: """
            The YooKassa shop id; its key only in SOUK_YOOKASSA_SECRET_KEY or the file SOUK_YOOKASSA_SECRET_KEY_FILE \
            names (mode 0600). [env: SOUK_YOOKASSA_SHOP_ID]
            """
    )
    var yookassaShopId: String?

    @Option(
        help: """
            Where YooKassa's notifications may come from: CIDR blocks and addresses, comma-separated. \
            [env: SOUK_YOOKASSA_ALLOWED_SOURCES] (default: any; every notification is re-read from the API)
            """
    )
    var yookassaAllowedSources: String?

    @Option(
        help: """
            Which provider takes which currency, e.g. RUB=yookassa,*=stripe. [env: SOUK_PAYMENT_ROUTES] \
            (default: RUB=yookassa,*=stripe)
            """
    )
    var paymentRoutes: String?

    @Option(
        help: """
            automatic (take the money at confirmation) or manual (authorize; staff capture). \
            [env: SOUK_PAYMENT_CAPTURE] (default: automatic)
            """
    )
    var paymentCapture: String?

    @Option(
        help: """
            Where customers come back to from a provider's page when the client names none. \
            [env: SOUK_PAYMENT_RETURN_URL] (default: https://localhost/payment-return)
            """
    )
    var paymentReturnUrl: String?

    @Option(
        help: """
            CDEK's API address; the account's secret only in SOUK_CDEK_CLIENT_SECRET (or SOUK_CDEK_CLIENT_SECRET_FILE). \
            [env: SOUK_CDEK_URL] (default: https://api.cdek.ru/v2)
            """
    )
    var cdekUrl: String?

    @Option(help: "The CDEK account (client_id). [env: SOUK_CDEK_CLIENT_ID]")
    var cdekClientId: String?

    @Option(
        help: """
            EasyPost's API address; the keys only in SOUK_EASYPOST_API_KEY and SOUK_EASYPOST_WEBHOOK_SECRET \
            (or …_FILE). [env: SOUK_EASYPOST_URL] (default: https://api.easypost.com/v2)
            """
    )
    var easypostUrl: String?

    @Option(
        help: """
            How often shipments in flight are asked about at their couriers, e.g. 30s or 500ms. \
            [env: SOUK_DELIVERY_POLL_INTERVAL] (default: 30s)
            """
    )
    var deliveryPollInterval: String?

    @Option(
        help: """
            How long a shipping quote holds its price, e.g. 30m or 10s; an order placed later asks for new ones. \
            [env: SOUK_QUOTE_LIFETIME] (default: 30m)
            """
    )
    var quoteLifetime: String?
}
