import Hummingbird
import NIOCore
import SoukPaymentProviders
import Synchronization

/// The local Stripe server's HTTP side: faults first, then the key, then the form, then the ledger, whose events
/// are queued for the webhooks before the answer goes.
struct LocalStripeResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let server: LocalStripeServer

    func respond(to request: Request, context: Context) async throws -> Response {
        let method = request.method.rawValue
        let path = request.uri.path
        let key = request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
        let reply: LocalStripeReply
        if let fault = self.server.state.withLock({ $0.faults.isEmpty ? nil : $0.faults.removeFirst() }) {
            reply = await self.answer(fault)
        } else if !path.hasPrefix("/confirm/"), let refusal = self.authenticate(request) {
            reply = refusal
        } else {
            let text: String
            if method == "POST" {
                text = String(buffer: try await request.body.collect(upTo: 1 << 20))
            } else {
                text = request.uri.query ?? ""
            }
            if let form = try? StripeForm(decoding: text) {
                let call = LocalStripeRequest(method: method, path: path, form: form, idempotencyKey: key)
                let now = self.server.config.now()
                reply = self.server.state.withLock { state in
                    let reply = state.ledger.handle(call, now: now)
                    self.server.send(state.ledger.takeEvents(), now: now, idempotencyKey: key)
                    return reply
                }
            } else {
                reply = LocalStripeLedger.error(
                    400,
                    type: "invalid_request_error",
                    message: "The request body is not application/x-www-form-urlencoded UTF-8."
                )
            }
        }
        let seen = LocalStripeServer.Seen(method: method, path: path, idempotencyKey: key, status: reply.status)
        self.server.state.withLock { $0.seen.append(seen) }
        return Self.response(reply, idempotencyKey: key)
    }

    /// `Authorization: Bearer <the server's key>`, or a 401 that does not echo what was sent.
    private func authenticate(_ request: Request) -> LocalStripeReply? {
        let expected = "Bearer \(self.server.config.secretKey)"
        guard let sent = request.headers[.authorization] else {
            return LocalStripeLedger.error(
                401,
                type: "authentication_error",
                message: "You did not provide an API key. Provide it in the Authorization header (Bearer auth)."
            )
        }
        guard sent == expected else {
            return LocalStripeLedger.error(401, type: "authentication_error", message: "Invalid API Key provided.")
        }
        return nil
    }

    private func answer(_ fault: LocalStripeServer.Fault) async -> LocalStripeReply {
        switch fault {
        case .status(let status, let shouldRetry):
            var reply = LocalStripeLedger.error(
                status,
                type: "api_error",
                message: "The local Stripe server was told to fail this request (HTTP \(status))."
            )
            reply.shouldRetry = shouldRetry
            return reply
        case .hang:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isReleased = self.server.state.withLock { state in
                    if !state.isReleased { state.hung.append(continuation) }
                    return state.isReleased
                }
                if isReleased { continuation.resume() }
            }
            return LocalStripeLedger.error(500, type: "api_error", message: "The local Stripe server was stopped.")
        }
    }

    private static func response(_ reply: LocalStripeReply, idempotencyKey: String?) -> Response {
        var headers: HTTPFields = [:]
        let isJSON = reply.body.first == UInt8(ascii: "{")
        headers[.contentType] = isJSON ? "application/json" : "text/plain; charset=utf-8"
        if let location = reply.location { headers[.location] = location }
        if let shouldRetry = reply.shouldRetry {
            headers.append(.init(name: .init("Stripe-Should-Retry")!, value: shouldRetry ? "true" : "false"))
        }
        if let idempotencyKey {
            headers.append(.init(name: .init("Idempotency-Key")!, value: idempotencyKey))
            if reply.isReplay { headers.append(.init(name: .init("Idempotent-Replayed")!, value: "true")) }
        }
        return Response(
            status: .init(code: reply.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
        )
    }
}
