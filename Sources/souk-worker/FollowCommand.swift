import ArgumentParser
import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukAnalytics
import SoukClient

/// `souk-worker follow`: copies the orders' events into the analytics schema, exactly once each, as a service
/// account with `events.read`, under a lease so that one worker at a time follows.
struct FollowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Follow the orders' events into the analytics schema.",
        discussion: """
            Reads the order service's events after the position stored in the analytics schema, through the public \
            client as a service account (client id from --client-id, secret from the environment variable \
            SOUK_WORKER_CLIENT_SECRET, never a flag), and applies each with its position in one transaction, so a \
            restart or a SIGKILL neither misses nor repeats an event. Events of unknown types are skipped and \
            counted. Only the holder of the job's lease in PostgreSQL follows; another worker waits until the \
            lease is released or runs out.
            """
    )

    static let secretVariable = "SOUK_WORKER_CLIENT_SECRET"
    static let job = "follow-orders"

    @Option(name: .long, help: "The host's address.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The host's SWP port.")
    var port = 7700

    @Option(name: .long, help: "The certificate authority to trust (PEM); the system's roots with --system-roots.")
    var ca = ".souk/tls/ca.pem"

    @Flag(name: .long, help: "Trust the system's certificate authorities instead of --ca.")
    var systemRoots = false

    @Option(name: .long, help: "The service account's client id (it needs the scope events.read).")
    var clientID: String

    @Option(
        name: .long,
        help: "The PostgreSQL database holding the analytics schema (default: SOUK_DATABASE_URL)."
    )
    var databaseURL: String?

    @Flag(name: .long, help: "One pass to the end of the backlog, then exit.")
    var once = false

    @Option(name: .long, help: "Seconds between passes.")
    var interval = 5

    @Option(name: .long, help: "Seconds a lease lasts unless renewed (each pass renews it).")
    var leaseSeconds = 60

    @Option(name: .long, help: "This worker's name in the lease (default: host name and process id).")
    var holder: String?

    func validate() throws {
        guard self.interval >= 1 else { throw ValidationError("--interval: 1 second or more, not \(self.interval)") }
        guard self.leaseSeconds > self.interval else {
            throw ValidationError("--lease-seconds: must be longer than --interval (\(self.interval))")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let secret = environment[Self.secretVariable], !secret.isEmpty else {
            throw ValidationError("\(Self.secretVariable) is not set: the service account's secret")
        }
        guard let url = self.databaseURL ?? environment["SOUK_DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("--database-url (or SOUK_DATABASE_URL) is not set: the analytics database")
        }
        let logger = Logger(label: "souk-worker")
        let holder = self.holder ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        let config = ClientConfig(
            host: self.host,
            port: self.port,
            trust: self.systemRoots ? .systemRoots : .certificateAuthority(path: self.ca)
        )
        do {
            try await AnalyticsDatabase.with(url: url, setting: "--database-url", logger: logger) { store, lease in
                try await SoukConnection.withServices(to: config) { anonymous in
                    let identity = anonymous.identityService
                    let tokens = ClientCredentialsTokenSource(
                        clientID: self.clientID,
                        clientSecret: secret,
                        scopes: ["events.read"]
                    ) { request in try await identity.clientCredentials(request) }
                    try await SoukConnection.withServices(to: config, tokens: tokens) { services in
                        let follower = OrderEventFollower(store: store, read: Self.reader(services.orderService))
                        try await self.follow(follower, lease: lease, holder: holder, logger: logger)
                    }
                }
            }
        } catch let error as AnalyticsDatabase.BadURL {
            FileHandle.standardError.write(Data("souk-worker: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as RPCError {
            FileHandle.standardError.write(Data("souk-worker: \(error.code): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Passes while this worker holds the lease, one every interval (or one, with `--once`).
    private func follow(
        _ follower: OrderEventFollower,
        lease: JobLease,
        holder: String,
        logger: Logger
    ) async throws {
        let duration = Duration.seconds(self.leaseSeconds)
        while true {
            if try await lease.acquire(Self.job, holder: holder, for: duration, now: Date()) {
                let pass = try await follower.pass()
                logger.info(
                    "followed the orders' events",
                    metadata: [
                        "applied": "\(pass.applied)", "skipped": "\(pass.skipped)", "repeated": "\(pass.repeated)",
                        "position": "\(pass.position)",
                    ]
                )
                if self.once {
                    try await lease.release(Self.job, holder: holder)
                    return
                }
            } else {
                logger.notice("another worker holds the lease; waiting", metadata: ["job": "\(Self.job)"])
                if self.once { return }
            }
            try await Task.sleep(for: .seconds(self.interval))
        }
    }

    /// Reads the orders' events after a position to the end of the backlog.
    static func reader(
        _ orders: any Souk_Catalog_V1_OrderService.ClientProtocol
    ) -> OrderEventFollower.ReadEvents {
        { after in
            var request = Souk_Catalog_V1_StreamEventsRequest()
            request.afterPosition = after
            var options = CallOptions.defaults
            options.timeout = .seconds(60)
            return try await orders.streamEvents(request, options: options) { response in
                var events: [Souk_Catalog_V1_DomainEvent] = []
                for try await event in response.messages { events.append(event) }
                return events
            }
        }
    }
}
