import Foundation
package import GRPCCore
import Logging
package import SoukAPI
import SoukDomain
import SoukMoney
import SoukPaymentProviders
import SwiftProtobuf

extension PaymentService {
    /// The largest webhook body taken: both providers' objects are a few KiB.
    static let largestWebhook = 256 * 1024

    /// A provider's webhook, forwarded by the bridge: trusted only once the provider proves it (Stripe's
    /// signature; YooKassa's payment re-read from the API), processed once per event id, and never moving a
    /// payment back. An event about a payment Souk does not know is acknowledged and changes nothing.
    package func receiveWebhook(
        request: Souk_Payments_V1_ReceiveWebhookRequest,
        context: ServerContext
    ) async throws -> Souk_Payments_V1_ReceiveWebhookResponse {
        guard ["stripe", "yookassa"].contains(request.provider) else {
            throw PaymentsError.invalidArgument("provider: stripe or yookassa")
        }
        guard !request.body.isEmpty, request.body.count <= Self.largestWebhook else {
            throw PaymentsError.invalidArgument("body: required, at most \(Self.largestWebhook / 1024) KiB")
        }
        guard let provider = self.providers.byName[request.provider] else {
            throw PaymentsError.failedPrecondition(
                "provider: \(request.provider.prefix(41)) is not configured on this host"
            )
        }
        let webhook: ProviderWebhook
        do {
            webhook = try await provider.webhook(
                body: Array(request.body),
                signature: request.signature,
                sourceAddress: request.sourceAddress
            )
        } catch let error as ProviderError {
            throw PaymentsError.provider(error, doing: "checking a webhook")
        }
        var response = Souk_Payments_V1_ReceiveWebhookResponse()
        response.eventID = webhook.eventID
        guard let payment = try await self.payment(of: webhook, provider: provider.name) else {
            self.logger.info(
                "a webhook about a payment Souk does not know; acknowledged",
                metadata: ["provider": "\(provider.name)", "event": "\(webhook.eventID)"]
            )
            return response
        }
        response.paymentID = payment.id.uuidString.lowercased()
        let actor = "provider:\(provider.name)"
        var applied = PaymentRecord.Applied()
        let (updated, duplicate) = try await self.store.update(
            payment.id,
            providerEvent: (provider.name, webhook.eventID),
            event: Self.payload
        ) { record in
            if let reported = webhook.payment {
                applied = try record.take(reported, actor: actor, at: self.now, providerEventID: webhook.eventID)
            }
            if let refund = webhook.refund {
                try record.take(refund, actor: actor, at: self.now, providerEventID: webhook.eventID)
            }
        }
        response.duplicate = duplicate
        guard !duplicate else { return response }
        self.signal.pulse()
        if applied.capturedAfterEnd {
            _ = try await self.giveBack(updated, reason: "captured after the attempt had ended")
        } else {
            _ = try await self.followOrder(updated)
        }
        return response
    }

    /// The payment a webhook is about: by the provider's reference, or by Souk's id in its metadata (a payment
    /// whose creation answer was lost before Souk recorded the reference).
    private func payment(of webhook: ProviderWebhook, provider: String) async throws -> PaymentRecord? {
        let reference = webhook.payment?.reference ?? webhook.refund?.paymentReference
        if let reference, let found = try await self.store.payment(provider: provider, reference: reference) {
            return found
        }
        guard let text = webhook.payment?.metadata["payment_id"], let id = UUID(uuidString: text),
            let found = try await self.store.payment(id), found.provider == provider,
            found.providerReference == nil || found.providerReference == reference
        else { return nil }
        return found
    }
}
