package import Foundation
package import Logging
package import PostgresNIO
import SoukStorage

/// The recommendations schema on PostgreSQL.
package struct PostgresRecommendationsStore: RecommendationsStore {
    /// Serializes publications (two workers publishing at once take turns; the later commit is served).
    static let publishLock: Int64 = 0x736f_756b_7265_6331  // "soukrec1"

    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    package func served(
        _ kind: ScoredList.Kind,
        subject: String
    ) async throws -> (version: Int64, list: ScoredList?) {
        let rows = try await self.client.guardedQuery(
            """
            SELECT s.version, l.products, l.scores
            FROM recommendations.served s
            LEFT JOIN recommendations.lists l
                ON l.version = s.version AND l.kind = \(kind.rawValue) AND l.subject = \(subject)
            WHERE s.id = 1
            """,
            logger: self.logger
        )
        for try await (version, products, scores) in rows.decode((Int64, [String]?, [Double]?).self) {
            guard let products, let scores else { return (version, nil) }
            return (version, ScoredList(kind: kind, subject: subject, products: products, scores: scores))
        }
        return (0, nil)
    }

    package func publish(
        at time: Date,
        _ produce: (_ write: (ScoredList) async throws -> Void) async throws -> Void
    ) async throws -> Int64 {
        try await self.client.withGuardedTransaction(logger: self.logger) { connection in
            try await connection.guardedQuery(
                "SELECT pg_advisory_xact_lock(\(Self.publishLock))",
                logger: self.logger
            )
            let rows = try await connection.guardedQuery(
                "INSERT INTO recommendations.versions (published_at) VALUES (\(time)) RETURNING version",
                logger: self.logger
            )
            var version: Int64 = 0
            for try await value in rows.decode(Int64.self) { version = value }
            var customers = 0
            var products = 0
            try await produce { list in
                try await connection.guardedQuery(
                    """
                    INSERT INTO recommendations.lists (version, kind, subject, products, scores)
                    VALUES (\(version), \(list.kind.rawValue), \(list.subject), \(list.products), \(list.scores))
                    """,
                    logger: self.logger
                )
                switch list.kind {
                case .customer: customers += 1
                case .product: products += 1
                case .popular: break
                }
            }
            try await connection.guardedQuery(
                """
                UPDATE recommendations.versions SET customers = \(customers), products = \(products)
                WHERE version = \(version)
                """,
                logger: self.logger
            )
            try await connection.guardedQuery(
                """
                INSERT INTO recommendations.served (id, version) VALUES (1, \(version))
                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version
                """,
                logger: self.logger
            )
            // Earlier versions' lists are no longer served; their rows in `versions` stay as the history.
            try await connection.guardedQuery(
                "DELETE FROM recommendations.lists WHERE version < \(version)",
                logger: self.logger
            )
            return version
        }
    }
}
