package import Foundation

/// An EasyPost `tracker.updated` (or `tracker.created`) event, as a webhook delivers it:
/// `{"id": "evt_…", "description": "tracker.updated", "result": {tracker}}`. Verify its
/// ``EasyPostWebhookSignature`` first.
package struct EasyPostEvent: Sendable, Hashable {
    /// The event's id (`evt_…`), what a receiver dedupes on; nil if EasyPost sent none.
    package var id: String?
    /// `tracker.updated`, `tracker.created`.
    package var kind: String
    /// The tracker as the event carries it.
    package var tracking: CourierTrackingReport

    /// Parses a webhook's raw body.
    ///
    /// - Throws: ``CourierError`` (``CourierError/Code/invalidRequest``) for a body that is not a tracker event.
    package init(parsing body: some DataProtocol) throws(CourierError) {
        let wire: EasyPostEventBody
        do {
            wire = try EasyPostJSON.decoder().decode(EasyPostEventBody.self, from: Data(body))
        } catch {
            throw CourierError(.invalidRequest, courier: "EasyPost", message: "EasyPost webhook: not an event body")
        }
        guard wire.description.hasPrefix("tracker."), let tracker = wire.result else {
            throw CourierError(
                .invalidRequest,
                courier: "EasyPost",
                message: "EasyPost webhook: '\(wire.description.prefix(40))' is not a tracker event with a result",
                field: "description"
            )
        }
        self.id = wire.id
        self.kind = wire.description
        self.tracking = try EasyPostClient.report(tracker)
    }
}
