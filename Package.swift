// swift-tools-version: 6.2
// Souk: a commerce platform on a fast binary RPC. See README.md for what each module does.
import PackageDescription

/// Settings every Souk target shares: Swift 6 mode plus the upcoming features grpc-swift builds with.
let defaultSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The products Souk depends on, named once.
extension Target.Dependency {
    static var argumentParser: Self { .product(name: "ArgumentParser", package: "swift-argument-parser") }
    static var asyncHTTPClient: Self { .product(name: "AsyncHTTPClient", package: "async-http-client") }
    static var crypto: Self { .product(name: "Crypto", package: "swift-crypto") }
    static var cryptoExtras: Self { .product(name: "CryptoExtras", package: "swift-crypto") }
    static var grpcCore: Self { .product(name: "GRPCCore", package: "grpc-swift-2") }
    static var grpcInProcessTransport: Self { .product(name: "GRPCInProcessTransport", package: "grpc-swift-2") }
    static var grpcHTTP2Transport: Self { .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport") }
    static var grpcProtobuf: Self { .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf") }
    static var histogram: Self { .product(name: "Histogram", package: "hdrhistogram-swift") }
    static var hummingbird: Self { .product(name: "Hummingbird", package: "hummingbird") }
    static var hummingbirdTesting: Self { .product(name: "HummingbirdTesting", package: "hummingbird") }
    static var jwtKit: Self { .product(name: "JWTKit", package: "jwt-kit") }
    static var logging: Self { .product(name: "Logging", package: "swift-log") }
    static var nioConcurrencyHelpers: Self { .product(name: "NIOConcurrencyHelpers", package: "swift-nio") }
    static var nioCore: Self { .product(name: "NIOCore", package: "swift-nio") }
    static var nioEmbedded: Self { .product(name: "NIOEmbedded", package: "swift-nio") }
    static var nioHTTP1: Self { .product(name: "NIOHTTP1", package: "swift-nio") }
    static var nioPosix: Self { .product(name: "NIOPosix", package: "swift-nio") }
    static var nioSSL: Self { .product(name: "NIOSSL", package: "swift-nio-ssl") }
    static var nioTLS: Self { .product(name: "NIOTLS", package: "swift-nio") }
    static var prometheus: Self { .product(name: "Prometheus", package: "swift-prometheus") }
    static var postgresNIO: Self { .product(name: "PostgresNIO", package: "postgres-nio") }
    static var serviceLifecycle: Self { .product(name: "ServiceLifecycle", package: "swift-service-lifecycle") }
    static var swiftASN1: Self { .product(name: "SwiftASN1", package: "swift-asn1") }
    static var swiftProtobuf: Self { .product(name: "SwiftProtobuf", package: "swift-protobuf") }
    static var unixSignals: Self { .product(name: "UnixSignals", package: "swift-service-lifecycle") }
    static var x509: Self { .product(name: "X509", package: "swift-certificates") }
}

/// A library target with Souk's settings.
func library(_ name: String, _ dependencies: [Target.Dependency] = [], path: String? = nil) -> Target {
    .target(name: name, dependencies: dependencies, path: path, swiftSettings: defaultSwiftSettings)
}

/// An executable target with Souk's settings.
func program(_ name: String, _ dependencies: [Target.Dependency], path: String? = nil) -> Target {
    .executableTarget(name: name, dependencies: dependencies, path: path, swiftSettings: defaultSwiftSettings)
}

/// A test target with Souk's settings.
func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, swiftSettings: defaultSwiftSettings)
}

/// What every domain module uses: the generated API, access control, the domain seam, its own schema in PostgreSQL,
/// GRPCCore and logging. A domain names only what it needs beyond these, and never another domain.
let domainFoundation: [Target.Dependency] = [
    "SoukAPI", "SoukAccess", "SoukDomain", "SoukStorage", .grpcCore, .postgresNIO, .logging,
]

/// A domain module: the foundation every domain shares plus its own dependencies.
func domain(_ name: String, _ own: [Target.Dependency] = []) -> Target {
    library(name, domainFoundation + own)
}

/// A libFuzzer target in `Tests/Fuzz/<folder>`, with the fuzz targets' shared main.
func fuzzer(_ name: String, folder: String, _ dependencies: [Target.Dependency]) -> Target {
    program(name, ["SoukFuzzSupport"] + dependencies, path: "Tests/Fuzz/\(folder)")
}

/// The platform every part stands on: the wire, the generated API, TLS, the client library, storage, money,
/// access control and what a domain is.
let platformTargets: [Target] = [
    // libzstd from Debian's libzstd-dev, for SWP message compression.
    .systemLibrary(
        name: "CZstd",
        path: "Sources/CZstd/include",
        pkgConfig: "libzstd",
        providers: [.apt(["libzstd-dev"])]
    ),
    // zlib from Debian's zlib1g-dev: the gRPC/HTTP2 door measures what a gzip or deflate request inflates to.
    .systemLibrary(
        name: "CZlib",
        path: "Sources/CZlib/include",
        pkgConfig: "zlib",
        providers: [.apt(["zlib1g-dev"])]
    ),
    // jemalloc from Debian's libjemalloc-dev: the servers' malloc (glibc's fragmented under a steady load).
    .systemLibrary(
        name: "CJemalloc",
        path: "Sources/CJemalloc/include",
        pkgConfig: "jemalloc",
        providers: [.apt(["libjemalloc-dev"])]
    ),
    // Links jemalloc into a program and says whether it serves the allocations.
    library("SoukAllocator", ["CJemalloc"]),
    // Prometheus metrics: one registry per process part, the RPC interceptor that counts and times each method, and
    // the plain HTTP/1.1 `GET /metrics` endpoint soukd and souk-bridge serve with `--metrics-port`.
    library("SoukMetrics", [.prometheus, .grpcCore, .nioCore, .nioPosix, .nioHTTP1, .logging, .serviceLifecycle]),
    // SWP/1, the Souk Wire Protocol: framing, connections, TLS, zstd and the GRPCCore transports.
    library("SoukWire", ["CZstd", .grpcCore, .nioCore, .nioPosix, .nioConcurrencyHelpers, .nioTLS, .nioSSL, .logging]),
    // Protobuf messages, gRPC stubs and the SWP server's direct bindings generated from Protos/ by scripts/generate
    // (never hand-edited).
    library("SoukAPI", ["SoukWire", .grpcCore, .grpcProtobuf, .swiftProtobuf]),
    // TLS material: the development CA, certificate and key loading shared by clients and servers.
    library("SoukTLS", [.x509, .crypto, .swiftASN1, .logging]),
    // The typed client library every Souk program uses to call a service.
    library("SoukClient", ["SoukAPI", "SoukWire", .grpcCore, .grpcHTTP2Transport]),
    // Running a program to completion with its output captured, and spawning with default signals: initdb and
    // pg_ctl for the embedded cluster, pgbench and the C floor for the benchmark.
    library("SoukProcess", [.nioPosix]),
    // PostgreSQL: connection config, the embedded cluster, migrations, transactions.
    library("SoukStorage", ["SoukProcess", .postgresNIO, .nioCore, .nioPosix, .logging, .serviceLifecycle]),
    // Redis: a small RESP2 client on SwiftNIO (no Swift Redis package is available here), for caches that must
    // never hold their callers up.
    library("SoukRedis", ["SoukProcess", .nioCore, .nioPosix, .logging]),
    // Recommendations as plain computation: baskets, the models (popularity, buy-again, item-kNN, Souk's blend)
    // and their offline evaluation; no database, so the worker and the recommendations domain share it.
    library("SoukRecommender"),
    // Analytics: the schema souk-worker fills from the domains' event streams (orders and their lines with customer,
    // currency, place and time), the followers that fill it exactly once, job leases in PostgreSQL, and the build of
    // the recommendation lists from it (published through the recommendation service's client).
    library("SoukAnalytics", ["SoukAPI", "SoukRecommender", "SoukStorage", .grpcCore, .logging, .postgresNIO]),
    // Calendar days (`YYYY-MM-DD`) of the proleptic Gregorian calendar and their day numbers, without Foundation: for
    // soukctl's flags and the reports' ranges.
    library("SoukCalendar"),
    // Exponential backoff with jitter for calls to outside services (the providers' clients, GA4, local webhooks).
    library("SoukRetry"),
    // Money: integer minor units of an ISO 4217 currency, exact exchange rates, the ECB and CBR rate files.
    library("SoukMoney"),
    // Access control every service shares: the policy table, access tokens (JWT, EdDSA), the interceptor.
    library("SoukAccess", [.grpcCore, .jwtKit, .nioConcurrencyHelpers]),
    // What every domain conforms to once (name, schemas, access policy, services, health, preparation) and what
    // the host hands it; every domain may import it, and no domain imports another.
    library("SoukDomain", ["SoukAccess", "SoukStorage", .crypto, .grpcCore, .postgresNIO, .logging]),
    // The SWP/1 conformance cases: raw frames against any server, each a numbered rule of PROTOCOL.md.
    library("SoukWireConformance", ["SoukWire", .nioCore, .nioPosix, .nioSSL, .nioTLS]),
    // The gRPC interop-style TestService, served by soukd for conformance tests and the benchmark.
    library("SoukConformance", ["SoukAPI", .grpcCore]),
]

/// The domains (identity, catalog and orders, payments, delivery, reporting, recommendations), the demo seed and the host
/// that composes them.
let domainTargets: [Target] = [
    // The payments domain (souk.payments.v1): payments of orders through the providers, refunds, webhooks,
    // reconciliation and the outbox of payment events.
    domain("SoukPayments", ["SoukMoney", "SoukPaymentProviders", .asyncHTTPClient, .nioCore, .swiftProtobuf]),
    // The delivery domain: the merchant's tariff, quotes at checkout, shipments, tracking, delivery events.
    domain("SoukDelivery", ["SoukCouriers", "SoukMoney", .asyncHTTPClient, .nioCore, .swiftProtobuf]),
    // The reporting domain (souk.reporting.v1): sales, the order funnel and top products over the analytics schema,
    // read by SQL alone (it never imports SoukAnalytics).
    domain("SoukReporting", ["SoukCalendar", "SoukMoney"]),
    // The recommendations domain: lists built by `souk-worker recs build`, published in one piece, served with each
    // product's state and price read from the catalog through its generated client.
    domain("SoukRecommendations"),
    // The identity service: accounts, passwords (scrypt), sessions, TOTP, service accounts, keys, audit.
    domain("SoukIdentity", [.swiftProtobuf, .jwtKit, .crypto, .cryptoExtras, .nioPosix, .nioConcurrencyHelpers]),
    // The catalog and orders service: categories, products, SKUs, prices per currency, search, stock, carts,
    // orders and the outbox of order events.
    domain("SoukCatalog", ["SoukMoney", .crypto, .nioCore, .swiftProtobuf]),
    // The demo shop (`soukd serve --seed-demo`): the same categories, products, customers and orders on every
    // machine, written through the services themselves.
    library("SoukDemoSeed", [
        "SoukAPI", "SoukAccess", "SoukCatalog", "SoukIdentity", .grpcCore, .postgresNIO, .logging,
    ]),
    // The composition root: which services run in this process, their storage, TLS and listeners.
    library("SoukHost", [
        "CZlib", "SoukAPI", "SoukTLS", "SoukStorage", "SoukConformance", "SoukWire", "SoukAccess", "SoukDomain",
        "SoukIdentity", "SoukCatalog", "SoukPayments", "SoukDelivery", "SoukReporting", "SoukRecommendations",
        "SoukCouriers", "SoukLocalProviders", "SoukDemoSeed", "SoukClient", "SoukMetrics", "SoukRedis", .grpcCore,
        .grpcInProcessTransport, .prometheus, .grpcHTTP2Transport, .nioCore, .nioPosix, .postgresNIO, .logging,
        .serviceLifecycle, .unixSignals, .swiftProtobuf, .crypto,
    ]),
]

/// The outside services' APIs (payment providers, couriers) and their local contract servers.
let providerTargets: [Target] = [
    // The payment providers' APIs: amounts on their wires, Stripe's webhook signatures, form encoding and
    // objects, and the Stripe client over async-http-client.
    library("SoukPaymentProviders", [
        "SoukMoney", "SoukRetry", .crypto, .asyncHTTPClient, .nioCore, .nioHTTP1, .logging,
    ]),
    // The couriers' APIs: CDEK API v2 and EasyPost clients over async-http-client, their statuses mapped to
    // Souk's, CDEK's webhooks parsed and EasyPost's verified; parcels, addresses, rates and tracking as values.
    library("SoukCouriers", [
        "SoukMoney", "SoukRetry", .crypto, .asyncHTTPClient, .nioCore, .nioHTTP1, .nioPosix, .logging,
    ]),
    // Google Analytics 4: the analytics schema's purchases and refunds as Measurement Protocol events (exact money
    // from minor units, keyed-hash client ids), batched, checked on the debug endpoint, sent with retries, and the
    // export's position in the analytics schema (`souk-worker ga4 export`).
    library("SoukGA4", [
        "SoukAnalytics", "SoukMoney", "SoukRetry", .asyncHTTPClient, .crypto, .logging, .nioCore, .nioHTTP1,
    ]),
    // Local contract servers for the providers (Stripe, YooKassa, CDEK, EasyPost, GA4), in memory on Hummingbird: for
    // tests and the sandbox mode with no provider keys.
    library("SoukLocalProviders", [
        "SoukCouriers", "SoukMoney", "SoukPaymentProviders", "SoukRetry", .asyncHTTPClient, .hummingbird, .nioCore,
        .nioHTTP1, .logging, .serviceLifecycle,
    ]),
]

/// The programs: soukd, soukctl, the bridge, the benchmark and the fuzz targets, with their testable parts.
let programTargets: [Target] = [
    // soukd: flags and environment -> SoukHost, any subset of the services.
    program("soukd", [
        "SoukAllocator", "SoukHost", "SoukBridge", "SoukClient", .argumentParser, .logging, .serviceLifecycle,
        .unixSignals,
    ]),

    // swp-conformance: runs the conformance cases against an SWP/1 endpoint (h2spec style).
    program("swp-conformance", ["SoukWireConformance", .argumentParser]),

    // soukctl's testable parts: contexts and credential files, table layout, money text, exit statuses.
    library("SoukCtlKit", ["SoukAPI", "SoukCalendar", "SoukMoney", .grpcCore, .swiftProtobuf]),
    // souk-worker: the batch jobs (issue 20), built only on the public client: `follow` (the orders' events into the
    // analytics schema), `recs build`, `recs evaluate` and `ga4 export` (purchases and refunds to Google Analytics 4).
    program("souk-worker", [
        "SoukAPI", "SoukAnalytics", "SoukClient", "SoukGA4", "SoukRecommender", .argumentParser, .asyncHTTPClient,
        .grpcCore, .logging,
    ]),
    // soukctl: the terminal admin, built only on SoukClient.
    program("soukctl", [
        "SoukCtlKit", "SoukClient", "SoukAPI", "SoukMoney", .grpcCore, .swiftProtobuf, .argumentParser,
    ]),

    // The browser bridge: Connect protocol unary calls over HTTP, forwarded to the services over SWP.
    library("SoukBridge", [
        "SoukAPI", "SoukClient", "SoukMetrics", "SoukWire", .grpcCore, .grpcProtobuf, .swiftProtobuf, .hummingbird,
        .prometheus, .nioCore, .logging, .serviceLifecycle,
    ]),
    // souk-bridge: flags -> SoukBridge's service, alone (soukd also starts it beside the services).
    program("souk-bridge", [
        "SoukAllocator", "SoukBridge", "SoukClient", "SoukMetrics", .argumentParser, .logging, .prometheus,
        .serviceLifecycle, .unixSignals,
    ]),

    // souk-bench: closed-loop load over SWP, gRPC/HTTP2 and the in-process transport; reports and charts.
    library("SoukBench", [
        "SoukAPI", "SoukClient", "SoukConformance", "SoukProcess", "SoukStorage", "SoukWire", .grpcCore,
        .grpcInProcessTransport, .histogram, .swiftProtobuf,
    ], path: "bench/Sources/SoukBench"),
    program("souk-bench", ["SoukBench", .argumentParser], path: "bench/Sources/souk-bench"),

    // The libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address -DFUZZING); built normally each
    // replays files, so its committed corpus in Tests/Fuzz/corpus/<target> is a regression test. Their shared main.
    library("SoukFuzzSupport", [.swiftProtobuf], path: "Tests/Fuzz/Support"),
    // SWP's frame decoder and connection state machine.
    fuzzer("souk-fuzz-wire", folder: "Wire", ["SoukWire", .nioCore, .nioEmbedded, .logging]),
    // The wire's stream state machine, driven directly by events and checked against a model of PROTOCOL.md §7.
    fuzzer("souk-fuzz-states", folder: "States", ["SoukWire"]),
    // The wire's connection state machine, driven directly by events and checked against a model of PROTOCOL.md's
    // connection rules (§3, §7.1, §7.4, §14, §15).
    fuzzer("souk-fuzz-connection", folder: "Connection", ["SoukWire", .nioCore]),
    // The bridge's Connect parsing: whole requests through its responder, envelopes, bodies, content types.
    fuzzer("souk-fuzz-bridge", folder: "Bridge", [
        "SoukAPI", "SoukBridge", .grpcCore, .grpcInProcessTransport, .hummingbird, .logging, .nioConcurrencyHelpers,
        .nioCore, .nioEmbedded, .swiftProtobuf,
    ]),
    // The protobuf decoding (binary, and JSON where bridged) of every request type the services take.
    fuzzer("souk-fuzz-requests", folder: "Requests", ["SoukAPI", .swiftProtobuf]),
]

/// The test targets and their shared fixtures.
let testTargets: [Target] = [

    // Shared test fixtures: test databases, temporary folders, a running host.
    library("TestSupport", [
        "SoukDomain", "SoukStorage", "SoukHost", "SoukAPI", "SoukClient", "SoukWire", "SoukIdentity", "SoukRedis",
        .grpcCore, .serviceLifecycle, .postgresNIO, .logging, .nioCore, .nioPosix,
    ], path: "Tests/TestSupport"),
    tests("SoukTLSTests", ["SoukTLS", "TestSupport", .x509, .crypto, .swiftASN1]),
    tests("SoukWireTests", [
        "SoukWire", "CZstd", "SoukAPI", "SoukClient", "SoukConformance", "SoukTLS", "TestSupport", .grpcCore,
        .grpcHTTP2Transport, .nioCore, .nioEmbedded, .nioConcurrencyHelpers, .nioPosix, .swiftProtobuf,
    ]),
    // The conformance cases against real SWP servers (plaintext and TLS), and every MUST of PROTOCOL.md claimed.
    tests("SoukWireConformanceTests", [
        "SoukWireConformance", "SoukWire", "SoukConformance", "SoukTLS", "TestSupport", .grpcCore,
    ]),
    tests("SoukRedisTests", ["SoukRedis", "SoukProcess", "TestSupport", .nioCore, .nioPosix]),
    tests("SoukAnalyticsTests", [
        "SoukAPI", "SoukAnalytics", "SoukClient", "SoukHost", "SoukStorage", "TestSupport", .grpcCore, .logging,
        .postgresNIO,
    ]),
    // The metrics endpoint: a host's calls counted and timed per method, wire and status, scraped over HTTP.
    tests("SoukMetricsTests", [
        "SoukMetrics", "SoukAPI", "SoukClient", "SoukHost", "SoukStorage", "TestSupport", .asyncHTTPClient, .grpcCore,
        .logging, .nioCore, .nioHTTP1, .nioPosix,
    ]),
    tests("SoukReportingTests", [
        "SoukAPI", "SoukAnalytics", "SoukHost", "SoukReporting", "SoukStorage", "TestSupport", .grpcCore, .logging,
        .postgresNIO,
    ]),
    tests("SoukRecommenderTests", ["SoukRecommender"]),
    tests("SoukStorageTests", ["SoukProcess", "SoukStorage", "TestSupport", .postgresNIO, .logging]),
    tests("SoukHostTests", [
        "CZlib", "SoukHost", "SoukDemoSeed", "SoukClient", "SoukAccess", "SoukDomain", "SoukIdentity", "SoukAPI",
        "SoukTLS", "SoukStorage", "TestSupport", .grpcCore, .grpcInProcessTransport, .grpcHTTP2Transport, .postgresNIO,
        .logging, .serviceLifecycle,
    ]),
    tests("SoukIdentityTests", [
        "SoukProcess", "SoukIdentity", "SoukAccess", "SoukAPI", "SoukClient", "SoukDomain", "SoukHost", "SoukStorage",
        "TestSupport", .grpcCore, .jwtKit, .crypto, .postgresNIO, .logging, .nioCore, .nioPosix, .nioHTTP1,
        .nioConcurrencyHelpers,
    ]),
    tests("SoukClientTests", ["SoukClient", "SoukAPI", "SoukHost", "TestSupport", .grpcCore]),
    // The GA4 export: event mapping, batching, retries on a test clock, the debug endpoint's refusals, the export
    // position in PostgreSQL, and the export end to end against the local GA4 server.
    tests("SoukGA4Tests", [
        "SoukRetry",
        "SoukAnalytics", "SoukGA4", "SoukLocalProviders", "TestSupport", .asyncHTTPClient, .logging, .postgresNIO,
    ]),
    tests("SoukMoneyTests", ["SoukMoney"]),
    tests("SoukCalendarTests", ["SoukCalendar"]),
    tests("SoukAllocatorTests", ["SoukAllocator"]),
    tests("SoukDeliveryTests", [
        "SoukAPI", "SoukCouriers", "SoukDelivery", "SoukDomain", "SoukHost", "SoukLocalProviders", "SoukMoney",
        "SoukProcess", "SoukStorage", "TestSupport", .asyncHTTPClient, .grpcCore, .logging, .postgresNIO,
    ]),
    tests("SoukRecommendationsTests", [
        "SoukAPI", "SoukAnalytics", "SoukHost", "SoukRecommendations", "SoukRecommender", "SoukRedis", "SoukStorage",
        "TestSupport", .grpcCore, .logging, .postgresNIO,
    ]),
    tests("SoukPaymentsTests", [
        "SoukRetry",
        "SoukPayments", "SoukPaymentProviders", "SoukLocalProviders", "SoukMoney", .asyncHTTPClient, .hummingbird,
        .nioCore, .nioHTTP1,
    ]),
    // The courier clients against the local CDEK and EasyPost servers, and their pure parts; no PostgreSQL.
    tests("SoukCouriersTests", [
        "SoukRetry",
        "SoukCouriers", "SoukLocalProviders", "SoukMoney", .asyncHTTPClient, .hummingbird, .logging, .nioCore,
        .nioHTTP1,
    ]),
    tests("SoukCatalogTests", [
        "SoukAPI", "SoukCatalog", "SoukClient", "SoukDomain", "SoukHost", "SoukIdentity", "SoukMoney", "SoukWire",
        "TestSupport", .grpcCore,
    ]),
    tests("SoukPaymentsDomainTests", [
        "SoukAPI", "SoukAccess", "SoukClient", "SoukDomain", "SoukHost", "SoukIdentity", "SoukLocalProviders",
        "SoukMoney", "SoukPayments", "SoukPaymentProviders", "TestSupport", .asyncHTTPClient, .grpcCore, .nioCore,
        .nioHTTP1,
    ]),
    tests("SoukBenchTests", ["SoukBench", "SoukHost", "TestSupport", .histogram]),
    tests("SoukCtlKitTests", ["SoukCtlKit", "SoukAPI", "SoukMoney", .grpcCore]),
    tests("SoukBridgeTests", [
        "SoukBridge", "SoukAPI", "SoukClient", "SoukCouriers", "SoukDelivery", "TestSupport",
        // The webhook tests configure a host's Stripe keys and sign events as Stripe does.
        "SoukHost", "SoukPayments", "SoukPaymentProviders", .grpcCore,
        // The call-timeout tests put the bridge in front of a service that never answers.
        .grpcInProcessTransport, .swiftProtobuf, .grpcProtobuf, .hummingbird, .hummingbirdTesting, .nioCore, .logging,
        .prometheus,
    ]),
    tests("soukdTests", [
        "soukd", "SoukCouriers", "SoukDelivery", "SoukHost", "SoukPayments", "SoukStorage", "SoukTLS", .argumentParser,
        .logging,
    ]),
]

let package = Package(
    name: "souk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "soukd", targets: ["soukd"]),
        .executable(name: "souk-bench", targets: ["souk-bench"]),
        .executable(name: "soukctl", targets: ["soukctl"]),
        .executable(name: "souk-worker", targets: ["souk-worker"]),
        .executable(name: "souk-bridge", targets: ["souk-bridge"]),
        .executable(name: "swp-conformance", targets: ["swp-conformance"]),
        // The public client library: the connection, the typed clients and token sources (SoukClient) and the
        // generated messages and service protocols they speak (SoukAPI).
        .library(name: "SoukClient", targets: ["SoukClient", "SoukAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
    ],
    targets: platformTargets + domainTargets + providerTargets + programTargets + testTargets
)
