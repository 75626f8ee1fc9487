import Foundation
import Logging
import PostgresNIO
import SoukStorage
import Synchronization
import TestSupport
import Testing

@Suite("ChannelListener against PostgreSQL")
struct ChannelListenerTests {
    let logger = Logger(label: "test")

    /// The events a listener reported so far.
    final class Recorder: Sendable {
        private let events = Mutex<[ChannelListener.Event]>([])

        func record(_ event: ChannelListener.Event) { self.events.withLock { $0.append(event) } }

        /// The first `count` events, once there are that many, waiting at most 30 seconds (then what there is).
        func first(_ count: Int) async throws -> [ChannelListener.Event] {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let seen = self.events.withLock { $0 }
                if seen.count >= count { return Array(seen.prefix(count)) }
                try await Task.sleep(for: .milliseconds(20))
            }
            return self.events.withLock { $0 }
        }
    }

    /// Runs a listener on `channel` while `body` runs, recording its events.
    func listening(
        on channel: String,
        client: PostgresClient,
        _ body: (Recorder) async throws -> Void
    ) async throws {
        let listener = ChannelListener(
            client: client,
            channel: channel,
            logger: self.logger,
            retryDelay: .milliseconds(50)
        )
        let recorder = Recorder()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await listener.run { recorder.record($0) } }
            try await body(recorder)
            tasks.cancelAll()
        }
    }

    @Test("committed notifications arrive in order; a rolled-back one never does")
    func committedOnly() async throws {
        try await TestDatabase.withFresh { _, client in
            try await self.listening(on: "souk_test", client: client) { events in
                #expect(try await events.first(1) == [.listening])
                _ = try await client.withGuardedTransaction(logger: self.logger) { connection in
                    try await connection.guardedQuery("SELECT pg_notify('souk_test', 'first')", logger: self.logger)
                }
                struct Refusal: Error {}
                await #expect(throws: Refusal.self) {
                    try await client.withGuardedTransaction(logger: self.logger) { connection in
                        try await connection.guardedQuery(
                            "SELECT pg_notify('souk_test', 'rolled back')",
                            logger: self.logger
                        )
                        throw Refusal()
                    }
                }
                try await client.guardedQuery("SELECT pg_notify('souk_test', 'second')", logger: self.logger)
                try await client.guardedQuery("SELECT pg_notify('other_channel', 'elsewhere')", logger: self.logger)
                #expect(try await events.first(3) == [.listening, .notification("first"), .notification("second")])
            }
        }
    }

    @Test("a listener whose connection the server ends says interrupted, then listens again on a new one")
    func reconnects() async throws {
        try await TestDatabase.withFresh { _, client in
            try await self.listening(on: "souk_test", client: client) { events in
                #expect(try await events.first(1) == [.listening])
                let ended = try await client.guardedQuery(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND query = 'LISTEN "souk_test";'
                    """,
                    logger: self.logger
                )
                var terminated = 0
                for try await ok in ended.decode(Bool.self) where ok { terminated += 1 }
                #expect(terminated == 1)
                #expect(try await events.first(3) == [.listening, .interrupted, .listening])
                try await client.guardedQuery("SELECT pg_notify('souk_test', 'after')", logger: self.logger)
                #expect(
                    try await events.first(4) == [.listening, .interrupted, .listening, .notification("after")]
                )
            }
        }
    }

    @Test("channel names are limited to what LISTEN takes unquoted")
    func channelNames() {
        #expect(ChannelListener.isValidName("souk_catalog"))
        #expect(ChannelListener.isValidName("a1"))
        #expect(!ChannelListener.isValidName(""))
        #expect(!ChannelListener.isValidName("Souk"))
        #expect(!ChannelListener.isValidName("souk\";DROP"))
    }
}
