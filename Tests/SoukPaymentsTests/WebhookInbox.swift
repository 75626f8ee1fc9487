import SoukLocalProviders
import Synchronization

/// Webhooks received in process: a dispatcher's destination that records each delivery and answers the statuses
/// it was told for that event, in turn, then 200.
final class WebhookInbox: Sendable {
    private struct State {
        var received: [LocalWebhook] = []
        var answers: [String: [Int]] = [:]
        var failures: [String: Int] = [:]
    }

    private struct Refused: Error, CustomStringConvertible {
        var description: String { "the inbox refused to answer" }
    }

    private let state = Mutex(State())

    /// An inbox answering `answers[eventID]` in turn to that event's deliveries, then 200.
    init(answers: [String: [Int]] = [:]) {
        self.state.withLock { $0.answers = answers }
    }

    /// Makes the next `count` deliveries of `eventID` throw instead of answering, as an unreachable endpoint.
    func fail(_ eventID: String, times count: Int) {
        self.state.withLock { $0.failures[eventID, default: 0] += count }
    }

    /// Every delivery, in the order it came.
    var received: [LocalWebhook] { self.state.withLock { $0.received } }

    /// The event ids of ``received``.
    var eventIDs: [String] { self.received.map(\.eventID) }

    /// This inbox as a destination.
    var destination: LocalWebhookDispatcher.Destination {
        .handler { webhook in try self.receive(webhook) }
    }

    private func receive(_ webhook: LocalWebhook) throws -> Int {
        try self.state.withLock { state in
            if let failures = state.failures[webhook.eventID], failures > 0 {
                state.failures[webhook.eventID] = failures - 1
                throw Refused()
            }
            state.received.append(webhook)
            guard var answers = state.answers[webhook.eventID], !answers.isEmpty else { return 200 }
            defer { state.answers[webhook.eventID] = answers }
            return answers.removeFirst()
        }
    }
}
