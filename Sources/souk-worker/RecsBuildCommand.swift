import ArgumentParser
import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukAnalytics
import SoukClient
import SoukRecommender

/// `souk-worker recs build`: builds the recommendation lists from the analytics schema and publishes them to the
/// recommendation service as a service account with `recommendations.publish`, under a lease so that one worker at
/// a time builds.
struct RecsBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the recommendation lists from the analytics schema and publish them.",
        discussion: """
            Reads every order line of the analytics schema (cancelled and refunded orders left out), maps each SKU \
            to its product through the catalog's published products, builds each customer's list (Souk's blend of \
            buy-again and co-purchase discovery), each product's co-purchase neighbours (cosine, time-decayed) and \
            the most bought products, and replaces the stored lists with them in one publication, through the \
            public client as a service account (client id from --client-id, secret from the environment variable \
            SOUK_WORKER_CLIENT_SECRET, never a flag). Only the holder of the job's lease in PostgreSQL builds.
            """
    )

    static let job = "recs-build"

    @OptionGroup var worker: WorkerOptions

    @Option(name: .long, help: "Seconds the build's lease lasts.")
    var leaseSeconds = 600

    @Option(name: .long, help: "Products per customer list and in the popular list (1-200).")
    var listLength = 50

    @Option(name: .long, help: "Co-purchase neighbours per product (1-200).")
    var neighbours = 20

    @Option(name: .long, help: "Days after which a basket counts half in the product neighbours (> 0).")
    var halfLifeDays = 90.0

    @Option(name: .long, help: "Souk's model: the weight of each older basket relative to the next (0-1).")
    var decay = 0.8

    @Option(name: .long, help: "Souk's model: how much co-purchase neighbours lift popular products (>= 0).")
    var neighbourWeight = 0.5

    @Option(name: .long, help: "Souk's model: the weight of discovery (new products) against buying again (>= 0).")
    var discoveryWeight = 0.2

    func validate() throws {
        guard (1...200).contains(self.listLength) else {
            throw ValidationError("--list-length: 1 to 200, not \(self.listLength)")
        }
        guard (1...200).contains(self.neighbours) else {
            throw ValidationError("--neighbours: 1 to 200, not \(self.neighbours)")
        }
        guard self.halfLifeDays > 0, self.halfLifeDays.isFinite else {
            throw ValidationError("--half-life-days: a number of days above 0, not \(self.halfLifeDays)")
        }
        guard self.decay > 0, self.decay <= 1 else { throw ValidationError("--decay: above 0 and at most 1") }
        guard self.neighbourWeight >= 0, self.neighbourWeight.isFinite else {
            throw ValidationError("--neighbour-weight: 0 or more")
        }
        guard self.discoveryWeight >= 0, self.discoveryWeight.isFinite else {
            throw ValidationError("--discovery-weight: 0 or more")
        }
        guard self.leaseSeconds >= 10 else { throw ValidationError("--lease-seconds: 10 or more") }
    }

    /// The lists' parameters the flags give.
    var parameters: RecommendationLists.Parameters {
        var parameters = RecommendationLists.Parameters()
        parameters.listLength = self.listLength
        parameters.neighbours = self.neighbours
        parameters.halfLifeDays = self.halfLifeDays
        parameters.blend.decay = self.decay
        parameters.blend.neighbourWeight = self.neighbourWeight
        parameters.blend.discoveryWeight = self.discoveryWeight
        return parameters
    }

    func run() async throws {
        try await self.worker.run { session in
            let lease = session.lease
            guard
                try await lease.acquire(Self.job, holder: session.holder, for: .seconds(self.leaseSeconds), now: Date())
            else {
                session.logger.notice("another worker holds the lease; not building", metadata: ["job": "\(Self.job)"])
                return
            }
            do {
                try await session.withServices(scope: "recommendations.publish") { services in
                    let build = RecommendationBuild(
                        catalog: services.catalogService,
                        recommendations: services.recommendationService,
                        parameters: self.parameters
                    )
                    let summary = try await build.run(store: session.store, now: Date())
                    session.logger.info("published the recommendation lists", metadata: summary.metadata)
                    print(summary.line)
                }
            } catch {
                // A build that failed (a refused token, a refused publication) lets the next one run at once rather
                // than when the lease runs out.
                try? await lease.release(Self.job, holder: session.holder)
                throw error
            }
            try await lease.release(Self.job, holder: session.holder)
        }
    }
}
