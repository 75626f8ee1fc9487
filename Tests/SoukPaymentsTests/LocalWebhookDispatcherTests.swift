import SoukLocalProviders
import SoukRetry
import Synchronization
import Testing

@Suite("The local webhook dispatcher: at least once, late, twice, out of order")
struct LocalWebhookDispatcherTests {
    static func webhook(_ id: String) -> LocalWebhook {
        LocalWebhook(eventID: id, body: Array(#"{"id":"\#(id)"}"#.utf8), headers: ["Content-Type": "application/json"])
    }

    /// Five attempts, 1 s doubling up to 4 s.
    static let retries = LocalWebhookDispatcher.Retries(
        maxAttempts: 5,
        initialBackoff: .seconds(1),
        maxBackoff: .seconds(4),
        jittered: false
    )

    /// Runs `dispatcher` for the duration of `body`, then cancels it (the way a server stops it).
    static func running<Result: Sendable>(
        _ dispatcher: LocalWebhookDispatcher,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await dispatcher.run() }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            tasks.cancelAll()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    @Test("enqueue only queues; run delivers in queue order; settle returns once all are acknowledged")
    func deliversInOrder() async throws {
        let inbox = WebhookInbox()
        let dispatcher = LocalWebhookDispatcher(destination: inbox.destination, clock: SkippingClock())
        for id in ["evt_1", "evt_2", "evt_3"] { dispatcher.enqueue(Self.webhook(id)) }
        #expect(inbox.received.isEmpty, "nothing is delivered inside enqueue")
        try await Self.running(dispatcher) {
            await dispatcher.settle()
            #expect(inbox.eventIDs == ["evt_1", "evt_2", "evt_3"])
            #expect(inbox.received.first == Self.webhook("evt_1"), "body and headers as given")
            #expect(dispatcher.delivered.map(\.eventID) == ["evt_1", "evt_2", "evt_3"])
            let acknowledged = LocalWebhookDispatcher.Attempt.Outcome.status(200)
            #expect(dispatcher.attempts.map(\.outcome) == Array(repeating: acknowledged, count: 3))
            #expect(dispatcher.attempts.allSatisfy { $0.number == 1 })
            #expect(dispatcher.givenUp.isEmpty && dispatcher.abandoned.isEmpty)
        }
    }

    @Test("settle returns at once when nothing is queued")
    func settleWhenIdle() async throws {
        let dispatcher = LocalWebhookDispatcher(destination: WebhookInbox().destination, clock: SkippingClock())
        await dispatcher.settle()
        try await Self.running(dispatcher) { await dispatcher.settle() }
        #expect(dispatcher.attempts.isEmpty)
    }

    @Test("a destination answering 500 is retried with doubling waits on the clock, then succeeds")
    func retriedUntilAcknowledged() async throws {
        let inbox = WebhookInbox(answers: ["evt_1": [500, 503]])
        let clock = SkippingClock()
        let dispatcher = LocalWebhookDispatcher(destination: inbox.destination, retries: Self.retries, clock: clock)
        try await Self.running(dispatcher) {
            dispatcher.enqueue(Self.webhook("evt_1"))
            await dispatcher.settle()
        }
        #expect(inbox.eventIDs == ["evt_1", "evt_1", "evt_1"])
        #expect(dispatcher.attempts.map(\.outcome) == [.status(500), .status(503), .status(200)])
        #expect(dispatcher.attempts.map(\.number) == [1, 2, 3])
        #expect(clock.sleeps == [.seconds(1), .seconds(2)])
        #expect(dispatcher.delivered.map(\.eventID) == ["evt_1"] && dispatcher.givenUp.isEmpty)
    }

    @Test("an error counts as a failed attempt; after maxAttempts the webhook is given up, every attempt logged")
    func givenUp() async throws {
        let inbox = WebhookInbox(answers: ["evt_1": [500, 500, 500, 500, 500, 500]])
        inbox.fail("evt_1", times: 1)
        let clock = SkippingClock()
        let dispatcher = LocalWebhookDispatcher(destination: inbox.destination, retries: Self.retries, clock: clock)
        try await Self.running(dispatcher) {
            dispatcher.enqueue(Self.webhook("evt_1"))
            await dispatcher.settle()
        }
        let outcomes = dispatcher.attempts.map(\.outcome)
        #expect(outcomes.count == 5 && outcomes.dropFirst().allSatisfy { $0 == .status(500) })
        #expect(outcomes.first == .failed("the inbox refused to answer"))
        #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(4), .seconds(4)], "capped at maxBackoff")
        #expect(dispatcher.givenUp.map(\.eventID) == ["evt_1"] && dispatcher.delivered.isEmpty)
    }

    @Test("a failing webhook does not hold the next back: its retry rejoins the end of the queue")
    func retryRejoinsQueue() async throws {
        let inbox = WebhookInbox(answers: ["evt_1": [500]])
        let dispatcher = LocalWebhookDispatcher(destination: inbox.destination, clock: SkippingClock())
        dispatcher.enqueue(Self.webhook("evt_1"))
        dispatcher.enqueue(Self.webhook("evt_2"))
        try await Self.running(dispatcher) { await dispatcher.settle() }
        #expect(inbox.eventIDs == ["evt_1", "evt_2", "evt_1"])
        #expect(dispatcher.delivered.map(\.eventID) == ["evt_2", "evt_1"])
    }

    @Test("duplicate: each event queued while it is on is delivered twice, with the same id and bytes")
    func duplicate() async throws {
        let inbox = WebhookInbox()
        let dispatcher = LocalWebhookDispatcher(destination: inbox.destination, clock: SkippingClock())
        try await Self.running(dispatcher) {
            dispatcher.isDuplicating = true
            dispatcher.enqueue(Self.webhook("evt_1"))
            await dispatcher.settle()
            dispatcher.isDuplicating = false
            dispatcher.enqueue(Self.webhook("evt_2"))
            await dispatcher.settle()
        }
        #expect(inbox.eventIDs == ["evt_1", "evt_1", "evt_2"])
        #expect(inbox.received[0] == inbox.received[1])
        #expect(dispatcher.delivered.count == 3)
    }

    @Test(
        "hold keeps deliveries back (settle does not wait for them); release lets them go late, in the order asked",
        arguments: [
            (LocalWebhookDispatcher.Order.asQueued, ["evt_1", "evt_2", "evt_3"]),
            (.reversed, ["evt_3", "evt_2", "evt_1"]),
        ]
    )
    func holdAndRelease(order: LocalWebhookDispatcher.Order, expected: [String]) async throws {
        let inbox = WebhookInbox()
        let dispatcher = LocalWebhookDispatcher(destination: inbox.destination, clock: SkippingClock())
        try await Self.running(dispatcher) {
            dispatcher.hold()
            for id in ["evt_1", "evt_2", "evt_3"] { dispatcher.enqueue(Self.webhook(id)) }
            await dispatcher.settle()
            #expect(inbox.received.isEmpty && dispatcher.attempts.isEmpty)
            #expect(dispatcher.held.map(\.eventID) == ["evt_1", "evt_2", "evt_3"])
            dispatcher.release(order: order)
            await dispatcher.settle()
        }
        #expect(inbox.eventIDs == expected)
        #expect(dispatcher.held.isEmpty)
    }

    @Test("a retry that comes back while deliveries are held is held too")
    func retryHeld() async throws {
        // The first attempt holds deliveries, then fails: its retry comes back into the hold.
        let later = Later()
        let dispatcher = LocalWebhookDispatcher(
            destination: .handler { webhook in
                guard later.count() == 1 else { return 200 }
                later.dispatcher?.hold()
                return 500
            },
            clock: SkippingClock()
        )
        later.dispatcher = dispatcher
        try await Self.running(dispatcher) {
            dispatcher.enqueue(Self.webhook("evt_1"))
            await dispatcher.settle()
            #expect(dispatcher.held.map(\.eventID) == ["evt_1"] && dispatcher.delivered.isEmpty)
            dispatcher.release()
            await dispatcher.settle()
        }
        #expect(dispatcher.attempts.map(\.outcome) == [.status(500), .status(200)])
        #expect(dispatcher.delivered.map(\.eventID) == ["evt_1"])
    }

    @Test("stopping abandons what is held or queued, and what comes after: nothing is dropped silently")
    func stopAbandons() async throws {
        let inbox = WebhookInbox()
        let dispatcher = LocalWebhookDispatcher(destination: inbox.destination, clock: SkippingClock())
        try await Self.running(dispatcher) {
            dispatcher.enqueue(Self.webhook("evt_1"))
            await dispatcher.settle()
            dispatcher.hold()
            dispatcher.enqueue(Self.webhook("evt_2"))
        }
        await dispatcher.settle()
        #expect(dispatcher.delivered.map(\.eventID) == ["evt_1"])
        #expect(dispatcher.abandoned.map(\.eventID) == ["evt_2"])
        dispatcher.enqueue(Self.webhook("evt_3"))
        #expect(dispatcher.abandoned.map(\.eventID) == ["evt_2", "evt_3"])
        #expect(inbox.eventIDs == ["evt_1"])
        try await dispatcher.run()
        #expect(dispatcher.attempts.count == 1, "a stopped dispatcher does not start again")
    }

    @Test("an HTTP destination: POSTed with the body and headers as given; a 500 is retried")
    func httpDestination() async throws {
        try await WebhookReceiver.with(answers: [500]) { receiver, url in
            let clock = SkippingClock()
            let dispatcher = LocalWebhookDispatcher(destination: .url(url), retries: Self.retries, clock: clock)
            var webhook = Self.webhook("evt_http")
            webhook.headers["Stripe-Signature"] = "t=1,v1=00"
            try await Self.running(dispatcher) {
                dispatcher.enqueue(webhook)
                await dispatcher.settle()
            }
            #expect(dispatcher.attempts.map(\.outcome) == [.status(500), .status(200)])
            #expect(dispatcher.delivered == [webhook] && clock.sleeps == [.seconds(1)])
            let received = receiver.received
            #expect(received.count == 2)
            #expect(received.allSatisfy { $0.body == webhook.body })
            #expect(received.last?.headers["stripe-signature"] == "t=1,v1=00")
            #expect(received.last?.headers["content-type"] == "application/json")
        }
    }

    @Test("an HTTP destination that is not listening: each attempt fails with an error, then it is given up")
    func httpUnreachable() async throws {
        let once = LocalWebhookDispatcher.Retries(
            maxAttempts: 2,
            initialBackoff: .seconds(1),
            maxBackoff: .seconds(1),
            jittered: false
        )
        // A port that was bound, then freed: nothing listens there now.
        let url = try await WebhookReceiver.with { _, url in url }
        // A short timeout: async-http-client retries a refused connection until the request's deadline.
        let dispatcher = LocalWebhookDispatcher(
            destination: .url(url, timeout: .milliseconds(300)),
            retries: once,
            clock: SkippingClock()
        )
        try await Self.running(dispatcher) {
            dispatcher.enqueue(Self.webhook("evt_lost"))
            await dispatcher.settle()
        }
        #expect(dispatcher.attempts.count == 2)
        #expect(dispatcher.attempts.allSatisfy { if case .failed = $0.outcome { true } else { false } })
        #expect(dispatcher.givenUp.map(\.eventID) == ["evt_lost"])
    }
}

/// A dispatcher its own destination reaches, set once it exists, and a count of the destination's calls.
private final class Later: Sendable {
    private let state = Mutex<(dispatcher: LocalWebhookDispatcher?, calls: Int)>((nil, 0))

    var dispatcher: LocalWebhookDispatcher? {
        get { self.state.withLock { $0.dispatcher } }
        set { self.state.withLock { $0.dispatcher = newValue } }
    }

    /// Counts a call, returning how many there have been.
    func count() -> Int {
        self.state.withLock { state in
            state.calls += 1
            return state.calls
        }
    }
}
