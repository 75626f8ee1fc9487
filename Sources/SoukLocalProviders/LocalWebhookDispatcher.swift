import AsyncHTTPClient
package import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
package import SoukRetry
import Synchronization

/// One webhook POST as a provider sends it: the event's id, the raw body and the headers.
package struct LocalWebhook: Sendable, Hashable {
    /// The provider's event id (`evt_…`): the same on every delivery of one event, so receivers dedupe on it.
    package var eventID: String
    /// The body, byte for byte as sent (a signature covers exactly these bytes).
    package var body: [UInt8]
    /// Headers such as `Content-Type` and `Stripe-Signature`.
    package var headers: [String: String]

    /// A webhook for the event `eventID`.
    package init(eventID: String, body: [UInt8], headers: [String: String]) {
        self.eventID = eventID
        self.body = body
        self.headers = headers
    }
}

/// Delivers a local provider server's webhooks as real providers do: at least once, asynchronously, retried with
/// backoff, with the faults tests need (duplicates, late and out-of-order deliveries). Provider-neutral: the local
/// Stripe and YooKassa servers both hand it ready-made ``LocalWebhook``s.
///
/// ``enqueue(_:)`` only queues: delivery happens in ``run()``, never inside the API request that caused the event.
/// Attempts go one at a time, in queue order, to the ``Destination``; an answer outside 200–299 or an error is
/// retried after ``Retries/backoff(after:)`` on the injected clock (the retry rejoins the queue's end, so one failing
/// event does not hold the others back), up to ``Retries/maxAttempts``. Every attempt is logged in ``attempts``, and
/// every webhook ends in exactly one of ``delivered``, ``givenUp`` or ``abandoned``: nothing is dropped silently.
///
/// It is a `Service`: a server runs it beside its HTTP listener, and a graceful shutdown (or cancellation) stops
/// the deliveries; what is still queued, held or waiting for a retry is then ``abandoned``.
///
/// ```swift
/// let webhooks = LocalWebhookDispatcher(destination: .url("http://127.0.0.1:8080/webhooks/stripe"))
/// // in the server's run(), beside the listener:
/// group.addTask { try await webhooks.run() }
/// // wherever an event happens:
/// webhooks.enqueue(LocalWebhook(eventID: "evt_1", body: body, headers: ["Content-Type": "application/json"]))
/// // in a test:
/// await webhooks.settle()
/// #expect(webhooks.delivered.map(\.eventID) == ["evt_1"])
/// ```
package final class LocalWebhookDispatcher: Service, Sendable {
    /// Where webhooks go: a Swift function in process, or an HTTP URL.
    package struct Destination: Sendable {
        enum Kind {
            case handler(@Sendable (LocalWebhook) async throws -> Int)
            case url(String, timeout: Duration)
        }

        let kind: Kind

        /// Hands each webhook to `handler`, which answers an HTTP status (200 acknowledges); a thrown error counts
        /// as a failed attempt. For tests that receive events in process.
        package static func handler(_ handler: @escaping @Sendable (LocalWebhook) async throws -> Int) -> Self {
            Self(kind: .handler(handler))
        }

        /// POSTs each webhook to `url` through `HTTPClient.shared`, body and headers as given; an attempt with no
        /// answer within `timeout` fails.
        package static func url(_ url: String, timeout: Duration = .seconds(10)) -> Self {
            Self(kind: .url(url, timeout: timeout))
        }
    }

    /// How often and how patiently a webhook is tried again.
    package typealias Retries = RetryBackoff

    /// The order in which ``release(order:)`` lets held webhooks go.
    package enum Order: Sendable, Hashable {
        /// The order they were queued in: late, but in order.
        case asQueued
        /// The last queued first: late and out of order.
        case reversed
    }

    /// One attempt to deliver a webhook.
    package struct Attempt: Sendable, Hashable {
        /// What the attempt got.
        package enum Outcome: Sendable, Hashable {
            /// The destination answered this HTTP status.
            case status(Int)
            /// No answer: the error's description, shortened.
            case failed(String)

            /// Whether the destination acknowledged the webhook (a 2xx status).
            package var isAcknowledged: Bool {
                if case .status(let status) = self { (200..<300).contains(status) } else { false }
            }
        }

        /// The webhook's event id.
        package var eventID: String
        /// 1 for the first attempt of a delivery, 2 for its first retry, …
        package var number: Int
        /// What the attempt got.
        package var outcome: Outcome
    }

    /// A webhook on its way, with the attempts it has had.
    struct Job: Sendable {
        var webhook: LocalWebhook
        var attempts = 0
    }

    /// A job handed straight to the waiting delivery loop; resumed outside the lock.
    struct Handoff {
        var waiter: CheckedContinuation<Job?, Never>
        var job: Job

        func resume() { self.waiter.resume(returning: self.job) }
    }

    /// Where the dispatcher is in its life: `idle` until ``run()``, then `running`, then `stopped` for good.
    enum Phase {
        /// Not run yet: webhooks queue up. Goes to `running` when ``run()`` starts.
        case idle
        /// Delivering. Goes to `stopped` on graceful shutdown or cancellation.
        case running
        /// For good: nothing more is attempted, and what comes is abandoned.
        case stopped
    }

    struct State {
        var phase = Phase.idle
        /// Waiting for the delivery loop, in order.
        var ready: [Job] = []
        /// Kept back by ``hold()`` until ``release(order:)``.
        var held: [Job] = []
        var isHolding = false
        var isDuplicating = false
        /// Jobs taken by the loop and not finished: being attempted, or waiting for a retry.
        var busy = 0
        var attempts: [Attempt] = []
        var delivered: [LocalWebhook] = []
        var givenUp: [LocalWebhook] = []
        var abandoned: [LocalWebhook] = []
        /// The delivery loop, waiting for a job.
        var waiter: CheckedContinuation<Job?, Never>?
        /// Callers of ``settle()``.
        var settling: [CheckedContinuation<Void, Never>] = []

        /// Nothing left to do but what is held.
        var isSettled: Bool { self.phase == .stopped || (self.ready.isEmpty && self.busy == 0) }

        /// Queues `job` (or holds it), handing it straight to a waiting loop when there is one.
        mutating func put(_ job: Job) -> Handoff? {
            if self.isHolding {
                self.held.append(job)
            } else if let waiter = self.waiter {
                self.waiter = nil
                self.busy += 1
                return Handoff(waiter: waiter, job: job)
            } else {
                self.ready.append(job)
            }
            return nil
        }

        /// The callers of ``settle()`` to resume, if everything is settled.
        mutating func settled() -> [CheckedContinuation<Void, Never>] {
            guard self.isSettled else { return [] }
            defer { self.settling = [] }
            return self.settling
        }
    }

    let destination: Destination
    let retries: Retries
    let logger: Logger
    /// Waits between attempts, on the injected clock.
    let sleep: @Sendable (Duration) async throws -> Void
    let state = Mutex(State())

    /// A dispatcher to `destination`, waiting between attempts on the continuous clock.
    package convenience init(
        destination: Destination,
        retries: Retries = .localWebhooks,
        logger: Logger = Logger(label: "souk.local-webhooks")
    ) {
        self.init(destination: destination, retries: retries, clock: ContinuousClock(), logger: logger)
    }

    /// A dispatcher to `destination`, waiting between attempts on `clock`, so tests drive the backoff without
    /// sleeping.
    package convenience init<C: Clock>(
        destination: Destination,
        retries: Retries = .localWebhooks,
        clock: C,
        logger: Logger = Logger(label: "souk.local-webhooks")
    ) where C.Duration == Duration {
        self.init(destination: destination, retries: retries, sleep: { try await clock.sleep(for: $0) }, logger: logger)
    }

    /// A dispatcher waiting between attempts with `sleep`: for a server whose config keeps its clock type-erased.
    init(
        destination: Destination,
        retries: Retries,
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        logger: Logger
    ) {
        self.destination = destination
        self.retries = retries
        self.logger = logger
        self.sleep = sleep
    }

    // MARK: Queueing and faults

    /// Queues `webhook` for delivery (twice while ``isDuplicating``) and returns at once.
    ///
    /// Once the dispatcher has stopped, the webhook is ``abandoned`` at once, with a warning.
    package func enqueue(_ webhook: LocalWebhook) {
        let (handoff, isStopped) = self.state.withLock { state -> (Handoff?, Bool) in
            let copies = state.isDuplicating ? 2 : 1
            guard state.phase != .stopped else {
                state.abandoned.append(contentsOf: repeatElement(webhook, count: copies))
                return (nil, true)
            }
            var handoff: Handoff?
            for _ in 0..<copies {
                if let taken = state.put(Job(webhook: webhook)) { handoff = taken }
            }
            return (handoff, false)
        }
        if isStopped {
            self.logger.warning(
                "Webhook not sent: the dispatcher has stopped",
                metadata: ["event": "\(webhook.eventID)"]
            )
        }
        handoff?.resume()
    }

    /// Whether each webhook queued from now on is delivered twice (two deliveries with the same event id), as a
    /// provider's at-least-once delivery sometimes does.
    package var isDuplicating: Bool {
        get { self.state.withLock { $0.isDuplicating } }
        set { self.state.withLock { $0.isDuplicating = newValue } }
    }

    /// Keeps back every webhook not yet being attempted, queued ones and those queued later (retries included),
    /// until ``release(order:)``: deliveries arrive late.
    package func hold() {
        self.state.withLock { state in
            state.isHolding = true
            state.held.append(contentsOf: state.ready)
            state.ready = []
        }
    }

    /// Lets the held webhooks go, in `order`, and stops holding.
    package func release(order: Order = .asQueued) {
        let (handoff, settled) = self.state.withLock { state -> (Handoff?, [CheckedContinuation<Void, Never>]) in
            state.isHolding = false
            let held = order == .reversed ? Array(state.held.reversed()) : state.held
            state.held = []
            var handoff: Handoff?
            for job in held {
                if let taken = state.put(job) { handoff = taken }
            }
            return (handoff, state.settled())
        }
        handoff?.resume()
        for continuation in settled { continuation.resume() }
    }

    /// Returns once every webhook queued and not held has been delivered or given up (retries included), or the
    /// dispatcher has stopped. Held webhooks do not count: release them first to wait for them.
    ///
    /// Before ``run()`` starts, it waits for it.
    package func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isSettled = self.state.withLock { state in
                if !state.isSettled { state.settling.append(continuation) }
                return state.isSettled
            }
            if isSettled { continuation.resume() }
        }
    }

    // MARK: What happened

    /// Every attempt so far, in the order they ended.
    package var attempts: [Attempt] { self.state.withLock { $0.attempts } }

    /// The webhooks acknowledged (2xx), in the order they were.
    package var delivered: [LocalWebhook] { self.state.withLock { $0.delivered } }

    /// The webhooks that failed ``Retries/maxAttempts`` times.
    package var givenUp: [LocalWebhook] { self.state.withLock { $0.givenUp } }

    /// The webhooks held now.
    package var held: [LocalWebhook] { self.state.withLock { $0.held.map(\.webhook) } }

    /// The webhooks never delivered because the dispatcher stopped first: queued, held, waiting for a retry, or
    /// queued after it stopped.
    package var abandoned: [LocalWebhook] { self.state.withLock { $0.abandoned } }

    // MARK: Running

    /// Delivers until graceful shutdown or cancellation, then abandons what is left. Runs once: a second call
    /// returns at once.
    package func run() async throws {
        let isStarting = self.state.withLock { state in
            guard state.phase == .idle else { return false }
            state.phase = .running
            return true
        }
        guard isStarting else { return }
        await cancelWhenGracefulShutdown { await self.deliverAll() }
        self.stop()
    }

    /// The delivery loop: one attempt at a time; the wait before a retry in a child task, so others go on.
    private func deliverAll() async {
        await withDiscardingTaskGroup { group in
            while let job = await self.next() {
                let outcome = await self.attempt(job.webhook)
                guard let (retry, wait) = self.record(job, outcome) else { continue }
                group.addTask {
                    do {
                        try await self.sleep(wait)
                        self.requeue(retry)
                    } catch {
                        self.abandon(retry)
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// The next job, or nil once stopped or cancelled.
    private func next() async -> Job? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Job?, Never>) in
                let taken = self.state.withLock { state -> Job?? in
                    if state.phase == .stopped || Task.isCancelled { return .some(nil) }
                    guard !state.ready.isEmpty else {
                        state.waiter = continuation
                        return .none
                    }
                    state.busy += 1
                    return .some(state.ready.removeFirst())
                }
                // Nothing taken: the continuation waits for a handoff, a stop or the cancellation.
                if case .some(let job) = taken { continuation.resume(returning: job) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// One attempt at `webhook`.
    private func attempt(_ webhook: LocalWebhook) async -> Attempt.Outcome {
        do {
            switch self.destination.kind {
            case .handler(let handler):
                return .status(try await handler(webhook))
            case .url(let url, let timeout):
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                for (name, value) in webhook.headers { request.headers.add(name: name, value: value) }
                request.body = .bytes(ByteBuffer(bytes: webhook.body))
                let seconds = timeout.components
                let nanoseconds = seconds.seconds * 1_000_000_000 + seconds.attoseconds / 1_000_000_000
                let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(nanoseconds))
                // The receiver's answer body means nothing to a provider; read it to free the connection.
                for try await _ in response.body {}
                return .status(Int(response.status.code))
            }
        } catch {
            return .failed(String(String(describing: error).prefix(200)))
        }
    }

    /// Logs an attempt and finishes the job, or says when to try it again.
    private func record(_ job: Job, _ outcome: Attempt.Outcome) -> (Job, Duration)? {
        var job = job
        job.attempts += 1
        let attempt = Attempt(eventID: job.webhook.eventID, number: job.attempts, outcome: outcome)
        let isStopping = Task.isCancelled
        let canRetry = job.attempts < self.retries.maxAttempts
        let settled = self.state.withLock { state -> [CheckedContinuation<Void, Never>]? in
            state.attempts.append(attempt)
            if outcome.isAcknowledged {
                state.delivered.append(job.webhook)
            } else if isStopping {
                state.abandoned.append(job.webhook)
            } else if canRetry {
                return nil
            } else {
                state.givenUp.append(job.webhook)
            }
            state.busy -= 1
            return state.settled()
        }
        self.logger.debug(
            "Webhook attempt",
            metadata: ["event": "\(attempt.eventID)", "attempt": "\(attempt.number)", "outcome": "\(outcome)"]
        )
        guard let settled else { return (job, self.retries.backoff(after: job.attempts)) }
        if !outcome.isAcknowledged && !isStopping {
            self.logger.warning(
                "Webhook given up",
                metadata: ["event": "\(attempt.eventID)", "attempts": "\(attempt.number)"]
            )
        }
        for continuation in settled { continuation.resume() }
        return nil
    }

    /// A job back from its wait before a retry.
    private func requeue(_ job: Job) {
        let (handoff, settled) = self.state.withLock { state -> (Handoff?, [CheckedContinuation<Void, Never>]) in
            state.busy -= 1
            guard state.phase != .stopped else {
                state.abandoned.append(job.webhook)
                return (nil, state.settled())
            }
            return (state.put(job), state.settled())
        }
        handoff?.resume()
        for continuation in settled { continuation.resume() }
    }

    /// A job whose wait before a retry was cut short by the stop.
    private func abandon(_ job: Job) {
        let settled = self.state.withLock { state in
            state.busy -= 1
            state.abandoned.append(job.webhook)
            return state.settled()
        }
        for continuation in settled { continuation.resume() }
    }

    /// Stops for good: what is queued or held is abandoned, the loop and every ``settle()`` return.
    private func stop() {
        let (left, waiter, settling) = self.state.withLock { state in
            state.phase = .stopped
            let left = (state.ready + state.held).map(\.webhook)
            state.abandoned.append(contentsOf: left)
            state.ready = []
            state.held = []
            defer {
                state.waiter = nil
                state.settling = []
            }
            return (left, state.waiter, state.settling)
        }
        waiter?.resume(returning: nil)
        for continuation in settling { continuation.resume() }
        if !left.isEmpty {
            self.logger.warning(
                "Webhooks not delivered: the dispatcher stopped",
                metadata: ["events": "\(left.map(\.eventID).joined(separator: ","))"]
            )
        }
    }
}

extension RetryBackoff {
    /// A local server's webhook: five attempts, waiting 1, 2, 4 and 8 seconds, exactly (no jitter, so tests read
    /// exact waits; Stripe and YooKassa keep trying for days, a local server gives up sooner).
    package static var localWebhooks: Self {
        Self(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(60), jittered: false)
    }
}
