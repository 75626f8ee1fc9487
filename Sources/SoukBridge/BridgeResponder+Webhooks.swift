import Foundation
import GRPCCore
import GRPCProtobuf
import Hummingbird
import Logging
import NIOCore
import SoukAPI

private typealias Payments = Souk_Payments_V1_PaymentService.Method
private typealias Delivery = Souk_Delivery_V1_DeliveryService.Method

extension BridgeResponder {
    /// Where providers post: `/webhooks/<provider>`.
    static var webhookPrefix: String { "/webhooks/" }

    /// The providers whose notifications are taken, by the last part of the path.
    static var webhookProviders: Set<String> { ["stripe", "yookassa"] }

    /// The couriers whose webhooks are taken, by the last part of the path.
    static var webhookCouriers: Set<String> { ["cdek", "easypost"] }

    /// `POST /webhooks/stripe` and `POST /webhooks/yookassa`: a payment provider's notification, forwarded as
    /// `PaymentService/ReceiveWebhook` with the raw body, `Stripe-Signature` and the peer's address.
    ///
    /// Providers are not browsers: no cookie session, CSRF token or `Authorization` header is read or forwarded; the
    /// payments service trusts a notification only once the provider proves it (Stripe's signature; YooKassa's
    /// payment re-read from its API). The answer is a short text: 200 once processed (or already processed
    /// before); 400 for a malformed notification; 401 for a missing or wrong signature; 403 for a sender the
    /// provider's allow-list does not hold; 413 for a body over ``BridgeConfig/maxWebhookBytes``; 503 when the
    /// payments service cannot take it now (not reachable, not hosted, the provider not configured, a timeout),
    /// so the provider sends it again later; 404 and 405 for another path or verb.
    func webhook(_ request: Request, remoteAddress: SocketAddress?) async -> Response {
        let provider = String(request.uri.path.dropFirst(Self.webhookPrefix.count))
        guard Self.webhookProviders.contains(provider) || Self.webhookCouriers.contains(provider) else {
            return Self.webhookAnswer(
                404,
                "not found: webhooks are /webhooks/stripe, /webhooks/yookassa, /webhooks/cdek and /webhooks/easypost"
            )
        }
        guard request.method == .post else {
            var response = Self.webhookAnswer(405, "method not allowed: use POST")
            response.headers[.allow] = "POST"
            return response
        }
        let limit = self.config.maxWebhookBytes
        let tooLarge = Self.webhookAnswer(413, "payload too large: at most \(limit) bytes")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { return tooLarge }
        var body: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard body.count + chunk.readableBytes <= limit else { return tooLarge }
                body.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            return Self.webhookAnswer(400, "bad request: the body could not be read")
        }
        if Self.webhookCouriers.contains(provider) {
            return await self.courierWebhook(provider, headers: request.headers, body: body)
        }
        var message = Souk_Payments_V1_ReceiveWebhookRequest()
        message.provider = provider
        message.body = Data(body)
        // HTTPTypes is not imported by name: match the field by its lowercase canonical name.
        message.signature =
            request.headers.first(where: { $0.name.canonicalName == "stripe-signature" })?.value ?? ""
        message.sourceAddress = remoteAddress?.ipAddress ?? ""
        var options = CallOptions.defaults
        options.timeout = self.config.webhookTimeout
        do {
            let reply = try await self.client.unary(
                request: ClientRequest(message: message, metadata: [:]),
                descriptor: Payments.ReceiveWebhook.descriptor,
                serializer: ProtobufSerializer<Souk_Payments_V1_ReceiveWebhookRequest>(),
                deserializer: ProtobufDeserializer<Souk_Payments_V1_ReceiveWebhookResponse>(),
                options: options
            ) { response in
                try response.message
            }
            return Self.webhookAnswer(200, reply.duplicate ? "ok: processed before" : "ok")
        } catch let error as RPCError {
            return self.webhookRefused(provider, error)
        } catch {
            return Self.webhookAnswer(500, "internal error")
        }
    }

    /// `POST /webhooks/cdek` and `POST /webhooks/easypost`: a courier's status notification, forwarded as
    /// `DeliveryService/ReceiveCourierWebhook` with every header (names lower-case) and the raw body; the delivery
    /// service checks EasyPost's `X-Hmac-Signature` and re-reads CDEK's order. Answered like the payment ones.
    private func courierWebhook(_ carrier: String, headers: HTTPFields, body: [UInt8]) async -> Response {
        var message = Souk_Delivery_V1_CourierWebhookRequest()
        message.carrier = carrier
        message.body = Data(body)
        for field in headers {
            let name = field.name.canonicalName
            // Never forwarded: a courier is not a browser, and these are the bridge's own.
            guard !["authorization", "cookie"].contains(name) else { continue }
            message.headers[name] = message.headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        var options = CallOptions.defaults
        options.timeout = self.config.webhookTimeout
        do {
            let reply = try await self.client.unary(
                request: ClientRequest(message: message, metadata: [:]),
                descriptor: Delivery.ReceiveCourierWebhook.descriptor,
                serializer: ProtobufSerializer<Souk_Delivery_V1_CourierWebhookRequest>(),
                deserializer: ProtobufDeserializer<Souk_Delivery_V1_CourierWebhookResponse>(),
                options: options
            ) { response in
                try response.message
            }
            return Self.webhookAnswer(200, reply.applied ? "ok" : "ok: nothing to apply")
        } catch let error as RPCError {
            return self.webhookRefused(carrier, error)
        } catch {
            return Self.webhookAnswer(500, "internal error")
        }
    }

    private func webhookRefused(_ provider: String, _ error: RPCError) -> Response {
        let status = Self.webhookStatus(error.code)
        self.logger.warning(
            "webhook refused",
            metadata: ["provider": "\(provider)", "http.status": "\(status)", "rpc.code": "\(error.code)"]
        )
        return Self.webhookAnswer(status, "\(ConnectError.Code(error.code)): \(error.message.prefix(200))")
    }

    /// The HTTP status a provider gets for the payments service's answer: 4xx when the notification itself is at
    /// fault, 503 when it may succeed later (every provider retries a non-2xx answer; the status tells its log
    /// and the operator which it was).
    static func webhookStatus(_ code: RPCError.Code) -> Int {
        switch code {
        case .invalidArgument, .outOfRange: 400
        case .unauthenticated: 401
        case .permissionDenied: 403
        // Not reachable, not hosted by the soukd behind this bridge, or the provider has no keys there yet.
        case .unavailable, .deadlineExceeded, .unimplemented, .failedPrecondition, .resourceExhausted: 503
        default: 500
        }
    }

    /// A short plain-text answer: providers log it beside the status.
    private static func webhookAnswer(_ status: Int, _ text: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n"))
        )
    }
}
