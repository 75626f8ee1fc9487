import Synchronization

/// What the ordering customers of a chaos phase were told, shared by their tasks: acknowledged orders, calls
/// that went unanswered and were tried again, and failures that ended a customer's run.
///
/// Times are offsets from the ledger's origin on the clock the shoppers use.
package final class OrderLedger: Sendable {
    /// A call that got no answer (connection lost, UNAVAILABLE, DEADLINE_EXCEEDED) and was tried again.
    package struct Unanswered: Sendable, Hashable, Codable {
        /// When the call ended, from the origin.
        package var endedAt: Duration
        /// How long the call took to fail.
        package var seconds: Double
        /// The status code's name (`unavailable`, `deadlineExceeded`).
        package var code: String
        package var message: String
    }

    private struct State {
        var acknowledged: [String: String] = [:]
        /// When each acknowledgement came, in order.
        var acknowledgedAt: [Duration] = []
        var unanswered: [Unanswered] = []
        var failures: [String] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Records `key`'s order.
    package func acknowledge(key: String, orderID: String, at offset: Duration) {
        self.state.withLock { state in
            state.acknowledged[key] = orderID
            state.acknowledgedAt.append(offset)
        }
    }

    /// Records a call tried again.
    package func unanswered(_ call: Unanswered) {
        self.state.withLock { $0.unanswered.append(call) }
    }

    /// Records why a customer stopped.
    package func fail(_ message: String) {
        self.state.withLock { $0.failures.append(message) }
    }

    /// Each acknowledged key and its order id.
    package var acknowledged: [String: String] { self.state.withLock { $0.acknowledged } }

    package var acknowledgedCount: Int { self.state.withLock { $0.acknowledged.count } }

    /// Every call tried again, in the order they ended.
    package var unansweredCalls: [Unanswered] { self.state.withLock { $0.unanswered } }

    package var unansweredCount: Int { self.state.withLock { $0.unanswered.count } }

    package var failures: [String] { self.state.withLock { $0.failures } }

    /// When the first order after `offset` was acknowledged; nil if none was.
    package func firstAcknowledgement(after offset: Duration) -> Duration? {
        self.state.withLock { state in state.acknowledgedAt.first { $0 > offset } }
    }
}
