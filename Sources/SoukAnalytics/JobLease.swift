package import Foundation
package import Logging
package import PostgresNIO
import SoukStorage

/// A lease in PostgreSQL that lets one worker or replica at a time run a job.
///
/// A holder takes the lease for a while and renews it before it runs out; another holder gets it only once it has
/// run out (its holder died or hung) or been released. The times are the caller's clock, so a test moves them.
package struct JobLease: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Takes or renews `job` for `holder` until `now + duration`.
    ///
    /// - Returns: whether `holder` holds the lease now (false: another holder's lease has not run out).
    package func acquire(_ job: String, holder: String, for duration: Duration, now: Date) async throws -> Bool {
        let until = now.addingTimeInterval(Double(duration.components.seconds))
        let rows = try await self.client.guardedQuery(
            """
            INSERT INTO analytics.job_leases (job, holder, expires_at) VALUES (\(job), \(holder), \(until))
            ON CONFLICT (job) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
            WHERE analytics.job_leases.holder = EXCLUDED.holder OR analytics.job_leases.expires_at <= \(now)
            RETURNING holder
            """,
            logger: self.logger
        )
        return rows.rows.count == 1
    }

    /// Gives `job` up if `holder` holds it, so another holder need not wait for it to run out.
    package func release(_ job: String, holder: String) async throws {
        try await self.client.guardedQuery(
            "DELETE FROM analytics.job_leases WHERE job = \(job) AND holder = \(holder)",
            logger: self.logger
        )
    }

    /// Who holds `job` at `now`, if anyone.
    package func holder(of job: String, now: Date) async throws -> String? {
        let rows = try await self.client.guardedQuery(
            "SELECT holder FROM analytics.job_leases WHERE job = \(job) AND expires_at > \(now)",
            logger: self.logger
        )
        for try await holder in rows.decode(String.self) { return holder }
        return nil
    }
}
