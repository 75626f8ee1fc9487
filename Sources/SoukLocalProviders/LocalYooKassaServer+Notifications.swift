import Foundation
package import SoukPaymentProviders

extension LocalYooKassaServer {
    /// Where the local YooKassa's notifications go, and how patiently: one notification URL of a shop.
    ///
    /// YooKassa signs nothing (providers.md §2.5), so neither does this server: a receiver re-reads the object.
    package struct Notifications: Sendable {
        /// A Swift function in process, or an HTTP URL.
        package var destination: LocalWebhookDispatcher.Destination
        /// How often and how patiently a notification is tried again (YooKassa keeps trying for 24 hours).
        package var retries: LocalWebhookDispatcher.Retries
        /// Waits between attempts, on the clock given.
        let sleep: @Sendable (Duration) async throws -> Void

        /// Notifications to `destination`, waiting between attempts on the continuous clock.
        package init(
            destination: LocalWebhookDispatcher.Destination,
            retries: LocalWebhookDispatcher.Retries = .localWebhooks
        ) {
            self.init(destination: destination, retries: retries, clock: ContinuousClock())
        }

        /// Notifications to `destination`, waiting between attempts on `clock` (tests drive the backoff without
        /// sleeping).
        package init<C: Clock>(
            destination: LocalWebhookDispatcher.Destination,
            retries: LocalWebhookDispatcher.Retries = .localWebhooks,
            clock: C
        ) where C.Duration == Duration {
            self.destination = destination
            self.retries = retries
            self.sleep = { try await clock.sleep(for: $0) }
        }
    }

    /// The event id a notification is delivered under: YooKassa's notifications carry none, so the event and the
    /// object's id (`payment.succeeded:<payment id>`), what a receiver dedupes on.
    package static func eventID(_ notification: YooKassaNotification) -> String {
        "\(notification.event.rawValue):\(notification.object.id ?? "")"
    }

    /// Queues `notifications` as unsigned JSON POSTs; nothing without ``Config/notifications``.
    ///
    /// Called under the state lock, so notifications leave in the order the ledger made them.
    func send(_ notifications: [YooKassaNotification]) {
        guard let dispatcher = self.notifications else { return }
        for notification in notifications {
            // The ledger's own values always encode; a failure here is a bug in YooKassaNotification.
            let body = try! Self.encoder.encode(notification)
            dispatcher.enqueue(
                LocalWebhook(
                    eventID: Self.eventID(notification),
                    body: Array(body),
                    headers: ["Content-Type": "application/json; charset=utf-8"]
                )
            )
        }
    }

    private static let encoder = YooKassaJSON.encoder()
}
