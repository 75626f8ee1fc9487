package import Logging
package import PostgresNIO
import Synchronization

/// Listens on one PostgreSQL notification channel (`LISTEN`) for as long as it runs, on a pooled connection it
/// keeps, and starts again on a new one after the connection is lost.
///
/// A notification is sent by `NOTIFY` or `pg_notify` when the sending transaction commits, so a listener hears
/// of a change after it is visible to every new query. What it cannot say is what it missed while it was not
/// listening: ``Event/listening`` comes each time `LISTEN` is in effect, and a consumer that keeps state derived
/// from the database must treat it as "anything may have changed" (and ``Event/interrupted`` as "from now on I do
/// not hear of changes").
package struct ChannelListener: Sendable {
    /// What the listener reports, in order: `listening`, then notifications, then `interrupted` when the connection
    /// is lost, then `listening` again once it has a new one. `interrupted` never comes twice in a row: attempts that
    /// fail before `LISTEN` is in effect (a pooled connection that is already dead, a database that is down) add
    /// nothing to the one already reported.
    package enum Event: Sendable, Equatable {
        /// `LISTEN` is in effect: from now on every committed notification on the channel is reported.
        case listening
        /// One notification's payload.
        case notification(String)
        /// The connection was lost or could not be made; notifications are not heard until the next `listening`.
        case interrupted
    }

    let client: PostgresClient
    let channel: String
    let logger: Logger
    /// How long to wait before trying again after a connection that was listening is lost.
    let retryDelay: Duration
    /// The longest wait between attempts: each attempt that fails before listening doubles the wait up to this.
    let maximumRetryDelay: Duration

    /// A listener on `channel` (an SQL identifier: lower-case letters, digits and `_`) over `client`'s pool.
    package init(
        client: PostgresClient,
        channel: String,
        logger: Logger,
        retryDelay: Duration = .seconds(1),
        maximumRetryDelay: Duration = .seconds(30)
    ) {
        precondition(Self.isValidName(channel), "a channel name is lower-case letters, digits and '_'")
        self.client = client
        self.channel = channel
        self.logger = logger
        self.retryDelay = retryDelay
        self.maximumRetryDelay = max(retryDelay, maximumRetryDelay)
    }

    /// Listens until the task is cancelled, handing every event to `handle` in order.
    package func run(_ handle: @Sendable (Event) async -> Void) async {
        var delay = self.retryDelay
        var isInterrupted = false
        while !Task.isCancelled {
            let listened = ListenedFlag()
            do {
                try await self.client.withConnection { connection in
                    try await connection.listen(on: self.channel) { notifications in
                        listened.set()
                        await handle(.listening)
                        for try await notification in notifications {
                            await handle(.notification(notification.payload))
                        }
                    }
                }
            } catch {
                if Task.isCancelled { break }
                self.logger.warning(
                    "stopped listening for database notifications; trying again",
                    metadata: [
                        "channel": "\(self.channel)", "error": "\(String(reflecting: error))",
                        "retry_in": "\(listened.value ? self.retryDelay : delay)",
                    ]
                )
            }
            if listened.value {
                isInterrupted = false
                delay = self.retryDelay
            }
            if !isInterrupted {
                isInterrupted = true
                await handle(.interrupted)
            }
            try? await Task.sleep(for: delay)
            if !listened.value { delay = min(delay * 2, self.maximumRetryDelay) }
        }
    }

    /// Whether `name` is a channel name this listener takes: PostgresNIO writes it into `LISTEN "name"` as it is.
    package static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
            }
    }
}

/// Whether an attempt got as far as `LISTEN`, set from inside the connection's closure.
private final class ListenedFlag: Sendable {
    private let flag = Mutex(false)

    var value: Bool { self.flag.withLock { $0 } }

    func set() { self.flag.withLock { $0 = true } }
}
