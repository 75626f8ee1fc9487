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

    static let job = "follow-orders"

    @OptionGroup var worker: WorkerOptions

    @Flag(name: .long, help: "One pass to the end of the backlog, then exit.")
    var once = false

    @Option(name: .long, help: "Seconds between passes.")
    var interval = 5

    @Option(name: .long, help: "Seconds a lease lasts unless renewed (each pass renews it).")
    var leaseSeconds = 60

    func validate() throws {
        guard self.interval >= 1 else { throw ValidationError("--interval: 1 second or more, not \(self.interval)") }
        guard self.leaseSeconds > self.interval else {
            throw ValidationError("--lease-seconds: must be longer than --interval (\(self.interval))")
        }
    }

    func run() async throws {
        try await self.worker.run { session in
            try await session.withServices(scope: "events.read") { services in
                let follower = OrderEventFollower(store: session.store, read: Self.reader(services.orderService))
                try await self.follow(follower, lease: session.lease, holder: session.holder, logger: session.logger)
            }
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
