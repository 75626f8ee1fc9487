import Foundation
import Logging
import PostgresNIO
import SoukAccess
import SoukDomain
import SoukStorage

/// Failed sign-in attempts and their windows.
extension PostgresIdentityStore: ThrottleStore {
    /// Failed attempts recorded under `key` since `since`.
    func failures(key: String, since: Date) async throws -> Int {
        let rows = try await self.client.guardedQuery(
            "SELECT count(*) FROM identity.failed_attempts WHERE key = \(key) AND at > \(since)",
            logger: self.logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    func recordFailure(keys: [String]) async throws {
        let now = self.wallClock.now
        for key in keys {
            try await self.client.guardedQuery(
                "INSERT INTO identity.failed_attempts (key, at) VALUES (\(key), \(now))",
                logger: self.logger
            )
        }
        try await self.client.guardedQuery(
            "DELETE FROM identity.failed_attempts WHERE at < \(now.addingTimeInterval(-24 * 3600))",
            logger: self.logger
        )
    }

    func clearFailures(key: String) async throws {
        try await self.client.guardedQuery(
            "DELETE FROM identity.failed_attempts WHERE key = \(key)",
            logger: self.logger
        )
    }
}
