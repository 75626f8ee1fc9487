import Foundation
import Logging
import PostgresNIO
import SoukStorage
import TestSupport
import Testing

/// A connection the server has ended: PostgresNIO's own query would wait for ever on it (its write is dropped once
/// NIO has taken the channel's handlers away); the guarded query and transaction fail at once instead.
@Suite("Guarded queries against PostgreSQL")
struct GuardedQueryTests {
    let logger = Logger(label: "test")

    @Test("a statement on a connection the server ended fails with connectionClosed instead of waiting")
    func statementAfterTermination() async throws {
        try await TestDatabase.withFresh { _, client in
            try await client.withConnection { connection in
                try await self.terminate(connection, through: client)
                let outcome = await Bounded.outcome {
                    try await connection.guardedQuery("SELECT 1", logger: self.logger)
                }
                #expect(outcome == .failed(closed: true))
            }
            // The pool drops the ended connection and goes on.
            let rows = try await client.query("SELECT 41 + 1", logger: self.logger)
            for try await value in rows.decode(Int.self) { #expect(value == 42) }
        }
    }

    @Test("a transaction the server ended between two statements fails, rolls nothing in and frees its connection")
    func transactionEndedMidway() async throws {
        try await TestDatabase.withFresh { _, client in
            try await client.query("CREATE TABLE items (id int PRIMARY KEY)", logger: self.logger)
            let outcome = await Bounded.outcome {
                try await client.withGuardedTransaction(logger: self.logger) { connection in
                    try await connection.guardedQuery("INSERT INTO items VALUES (1)", logger: self.logger)
                    try await self.terminate(connection, through: client)
                    try await connection.guardedQuery("INSERT INTO items VALUES (2)", logger: self.logger)
                }
            }
            #expect(outcome == .failed(closed: true))
            let rows = try await client.query("SELECT count(*) FROM items", logger: self.logger)
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }

    @Test("an error the body throws comes out as itself, after a rollback, and the pool goes on")
    func bodyErrorUnwrapped() async throws {
        struct Refusal: Error {}
        try await TestDatabase.withFresh { _, client in
            try await client.query("CREATE TABLE items (id int PRIMARY KEY)", logger: self.logger)
            await #expect(throws: Refusal.self) {
                try await client.withGuardedTransaction(logger: self.logger) { connection in
                    try await connection.guardedQuery("INSERT INTO items VALUES (1)", logger: self.logger)
                    throw Refusal()
                }
            }
            let value = try await client.withGuardedTransaction(logger: self.logger) { connection in
                try await connection.guardedQuery("INSERT INTO items VALUES (3)", logger: self.logger)
                return 3
            }
            #expect(value == 3)
            let rows = try await client.query("SELECT array_agg(id) FROM items", logger: self.logger)
            for try await ids in rows.decode([Int].self) { #expect(ids == [3]) }
        }
    }

    @Test("a prepared statement on a connection the server ended fails with connectionClosed instead of waiting")
    func preparedStatementAfterTermination() async throws {
        try await TestDatabase.withFresh { _, client in
            try await client.query("CREATE TABLE items (id int PRIMARY KEY)", logger: self.logger)
            try await client.withConnection { connection in
                #expect(try await connection.guardedExecute(InsertItem(id: 1), logger: self.logger) == [1])
                try await self.terminate(connection, through: client)
                let outcome = await Bounded.outcome {
                    try await connection.guardedExecute(InsertItem(id: 2), logger: self.logger)
                }
                #expect(outcome == .failed(closed: true))
            }
            let rows = try await client.query("SELECT array_agg(id) FROM items", logger: self.logger)
            for try await ids in rows.decode([Int].self) { #expect(ids == [1]) }
        }
    }

    @Test("a statement that failed to prepare closes its connection: the pool's next one prepares it afresh")
    func failedPreparationClosesConnection() async throws {
        try await TestDatabase.withFresh { _, client in
            try await client.withConnection { connection in
                // PostgresNIO would answer every later execution on this connection with this same error.
                await #expect(throws: PSQLError.self) {
                    try await connection.guardedExecute(InsertItem(id: 1), logger: self.logger)
                }
                #expect(connection.isClosed)
            }
            try await client.query("CREATE TABLE items (id int PRIMARY KEY)", logger: self.logger)
            try await client.withConnection { connection in
                _ = try await connection.guardedExecute(InsertItem(id: 1), logger: self.logger)
            }
            let rows = try await client.query("SELECT array_agg(id) FROM items", logger: self.logger)
            for try await ids in rows.decode([Int].self) { #expect(ids == [1]) }
        }
    }

    @Test("a unique violation from a prepared statement rolls back and leaves the connection and statement usable")
    func integrityViolationKeepsConnection() async throws {
        try await TestDatabase.withFresh { _, client in
            try await client.query("CREATE TABLE items (id int PRIMARY KEY)", logger: self.logger)
            try await client.withConnection { connection in
                _ = try await connection.guardedExecute(InsertItem(id: 1), logger: self.logger)
                let error = await #expect(throws: PSQLError.self) {
                    try await connection.guardedExecute(InsertItem(id: 1), logger: self.logger)
                }
                #expect(error.flatMap { SQLState(of: $0) } == .uniqueViolation)
                #expect(!connection.isClosed)
                #expect(try await connection.guardedExecute(InsertItem(id: 2), logger: self.logger) == [2])
            }
        }
    }

    /// Ends `connection`'s backend from another connection and waits until the client has seen it close.
    private func terminate(_ connection: PostgresConnection, through client: PostgresClient) async throws {
        var pid: Int32 = 0
        for try await value in try await connection.guardedQuery("SELECT pg_backend_pid()", logger: self.logger)
            .decode(Int32.self)
        {
            pid = value
        }
        try await client.query("SELECT pg_terminate_backend(\(pid))", logger: self.logger)
        try await connection.closeFuture.get()
    }
}

/// A prepared insert into `items` that returns the id it stored.
private struct InsertItem: PostgresPreparedStatement {
    typealias Row = Int

    static let sql = "INSERT INTO items (id) VALUES ($1) RETURNING id"
    static let bindingDataTypes: [PostgresDataType] = [.int8]

    let id: Int

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(self.id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int {
        try row.decode(Int.self)
    }
}

/// The outcome of a body that might never return, bounded so that a regression fails the test instead of hanging it.
private enum Bounded: Equatable {
    case succeeded
    case failed(closed: Bool)
    case stillWaiting

    /// Runs `body` in a task of its own and waits for it at most 60 s (a generous bound: it should fail at once).
    static func outcome(_ body: @escaping @Sendable () async throws -> some Any) async -> Bounded {
        let result = AsyncStream<Bounded>.makeStream()
        // Unstructured on purpose: a body stuck for ever must not hold the test up.
        Task {
            do {
                _ = try await body()
                result.continuation.yield(.succeeded)
            } catch let error as StorageError {
                result.continuation.yield(.failed(closed: error.code == .connectionClosed))
            } catch let error as PSQLError {
                result.continuation.yield(.failed(closed: error.code == .serverClosedConnection))
            } catch {
                result.continuation.yield(.failed(closed: false))
            }
        }
        Task {
            try? await Task.sleep(for: .seconds(60))
            result.continuation.yield(.stillWaiting)
        }
        for await outcome in result.stream { return outcome }
        return .stillWaiting
    }
}

/// Every statement Souk sends on a leased connection goes through the guard: PostgresNIO's own `query` and
/// `withTransaction` on a connection would wait for ever once the server has closed it.
@Suite("Guarded queries in the sources")
struct GuardedQuerySourcesTests {
    @Test("no source sends a statement on a connection or opens a transaction without the guard")
    func everyConnectionStatementGuarded() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 50)
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("connection.query(") || line.contains(".withTransaction(") {
                offenders.append("\(file.lastPathComponent):\(number + 1)")
            }
        }
        #expect(offenders.isEmpty, "use guardedQuery / withGuardedTransaction: \(offenders)")
    }
}
