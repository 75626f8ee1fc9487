import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

extension LocalCDEKServer {
    /// Queues `events` as unsigned JSON POSTs (CDEK signs nothing). Called under the state lock, so webhooks
    /// leave in the order the ledger made them.
    func send(_ events: [LocalCDEKLedger.Event], to url: String?) {
        guard !events.isEmpty else { return }
        self.subscribed.url.withLock { $0 = url }
        for event in events {
            self.webhooks.enqueue(
                LocalWebhook(
                    eventID: event.id,
                    body: event.body,
                    headers: ["Content-Type": "application/json; charset=utf-8"]
                )
            )
        }
    }
}

/// The URL `POST /webhooks` subscribed, where the dispatcher posts when no test destination is set.
final class SubscribedURL: Sendable {
    let url = Mutex<String?>(nil)

    /// No URL is subscribed (events are made only once one is, so only a bug gets here).
    struct NotSubscribed: Error {}

    /// POSTs `webhook` to the subscribed URL; an error when there is none.
    func post(_ webhook: LocalWebhook) async throws -> Int {
        guard let url = self.url.withLock({ $0 }) else { throw NotSubscribed() }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in webhook.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: webhook.body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        // The receiver's answer body means nothing to CDEK; read it to free the connection.
        for try await _ in response.body {}
        return Int(response.status.code)
    }
}
