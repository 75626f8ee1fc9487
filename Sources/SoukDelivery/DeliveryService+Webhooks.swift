import Foundation
package import GRPCCore
import Logging
package import SoukAPI
import SoukCouriers

extension DeliveryService {
    /// A courier's webhook, as the bridge forwards it: EasyPost's verified by `X-Hmac-Signature` and applied from
    /// its tracker; CDEK's (unsigned) only names an order, which is re-read from CDEK and applied from that. Each
    /// event applies once (`delivery.processed_courier_events`); a repeat, or an event about nothing Souk shipped,
    /// answers `applied = false`.
    package func receiveCourierWebhook(
        request: Souk_Delivery_V1_CourierWebhookRequest,
        context: ServerContext
    ) async throws -> Souk_Delivery_V1_CourierWebhookResponse {
        guard ["cdek", "easypost"].contains(request.carrier) else {
            throw DeliveryError.invalidArgument("carrier: cdek or easypost")
        }
        guard let courier = self.courier(named: request.carrier) else {
            throw DeliveryError.failedPrecondition(
                "carrier: \(request.carrier.prefix(41)) is not configured on this host"
            )
        }
        var response = Souk_Delivery_V1_CourierWebhookResponse()
        switch request.carrier {
        case "easypost":
            response.applied = try await self.receiveEasyPost(request)
        default:
            response.applied = try await self.receiveCDEK(request, courier: courier)
        }
        return response
    }

    private func receiveEasyPost(_ request: Souk_Delivery_V1_CourierWebhookRequest) async throws -> Bool {
        guard let secret = self.settings.easyPost?.webhookSecret, !secret.value.isEmpty else {
            throw DeliveryError(.unauthenticated, "x-hmac-signature: no webhook secret is configured to check it")
        }
        let header = request.headers.first { $0.key.lowercased() == "x-hmac-signature" }?.value
        do {
            try EasyPostWebhookSignature(secret: secret).verify(body: request.body, header: header)
        } catch {
            throw DeliveryError(.unauthenticated, error.description)
        }
        let event: EasyPostEvent
        do {
            event = try EasyPostEvent(parsing: request.body)
        } catch {
            throw DeliveryError.invalidArgument(error.message)
        }
        guard
            let shipment = try await self.store.shipment(
                carrier: "easypost",
                courierReference: event.tracking.reference
            )
        else {
            self.logger.info("delivery: an EasyPost event about no shipment of this shop, not applied")
            return false
        }
        let id = event.id ?? "\(event.tracking.reference) \(event.tracking.current?.code ?? "") \(event.kind)"
        return try await self.apply(
            event.tracking,
            to: shipment.id,
            courier: "easypost",
            event: ("easypost", String(id.prefix(200)))
        )
    }

    private func receiveCDEK(
        _ request: Souk_Delivery_V1_CourierWebhookRequest,
        courier: any Courier
    ) async throws -> Bool {
        let hook: CDEKWebhook
        do {
            hook = try CDEKWebhook(parsing: request.body)
        } catch {
            throw DeliveryError.invalidArgument(error.message)
        }
        guard hook.type == "ORDER_STATUS",
            let shipment = try await self.store.shipment(carrier: "cdek", courierReference: hook.uuid)
        else {
            self.logger.info("delivery: a CDEK webhook about no shipment of this shop, not applied")
            return false
        }
        // CDEK signs nothing: what the body says is only which order to re-read.
        let report: CourierTrackingReport
        do {
            report = try await courier.track(reference: hook.uuid)
        } catch {
            throw DeliveryError(
                .unavailable,
                "cdek: the order could not be re-read: \(Self.reason(error, timeout: self.settings.requestTimeout))"
            )
        }
        let at = hook.statusAt.map { String(Int64($0.timeIntervalSince1970)) } ?? ""
        return try await self.apply(
            report,
            to: shipment.id,
            courier: "cdek",
            event: ("cdek", String("\(hook.uuid) \(hook.code ?? "") \(at)".prefix(200)))
        )
    }
}
