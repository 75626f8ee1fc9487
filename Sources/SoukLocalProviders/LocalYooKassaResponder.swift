import Foundation
import Hummingbird
import NIOCore
import SoukPaymentProviders
import Synchronization

/// The local YooKassa server's HTTP side: faults first, then Basic auth, then the body, then the ledger, whose
/// notifications are queued before the answer goes.
struct LocalYooKassaResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let server: LocalYooKassaServer

    func respond(to request: Request, context: Context) async throws -> Response {
        let method = request.method.rawValue
        let path = request.uri.path
        let key = request.headers.first { $0.name.canonicalName == "idempotence-key" }?.value
        let body = method == "POST" ? Array(buffer: try await request.body.collect(upTo: 1 << 20)) : []
        let reply: LocalYooKassaReply
        if let fault = self.server.state.withLock({ $0.faults.isEmpty ? nil : $0.faults.removeFirst() }) {
            reply = await self.answer(fault)
        } else if !path.hasPrefix("/confirm/"), let refusal = self.authenticate(request) {
            reply = refusal
        } else {
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            let call = LocalYooKassaRequest(
                method: method,
                path: path,
                query: query,
                body: body,
                idempotenceKey: key
            )
            let now = self.server.config.now()
            reply = self.server.state.withLock { state in
                let reply = state.ledger.handle(call, now: now)
                self.server.send(state.ledger.takeNotifications())
                return reply
            }
        }
        let seen = LocalYooKassaServer.Seen(
            method: method,
            path: path,
            query: request.uri.query,
            idempotenceKey: key,
            body: body,
            status: reply.status
        )
        self.server.state.withLock { $0.seen.append(seen) }
        return Self.response(reply)
    }

    /// HTTP Basic with the server's shop id and secret key, or a 401 that does not echo what was sent.
    private func authenticate(_ request: Request) -> LocalYooKassaReply? {
        let refusal = LocalYooKassaLedger.error(
            401,
            code: "invalid_credentials",
            description: "Authentication by given credentials failed: use HTTP Basic with the shop id and the "
                + "secret key"
        )
        guard let sent = request.headers[.authorization], sent.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(sent.dropFirst("Basic ".count)))
        else { return refusal }
        let expected = Data("\(self.server.config.shopID):\(self.server.config.secretKey)".utf8)
        return decoded == expected ? nil : refusal
    }

    private func answer(_ fault: LocalYooKassaServer.Fault) async -> LocalYooKassaReply {
        switch fault {
        case .status(let status):
            let code =
                switch status {
                case 429: "too_many_requests"
                case 500...: "internal_server_error"
                default: "invalid_request"
                }
            return LocalYooKassaLedger.error(
                status,
                code: code,
                description: "The local YooKassa server was told to fail this request (HTTP \(status))"
            )
        case .processing(let retryAfterMs):
            let body = YooKassaErrorBody(
                type: "processing",
                code: nil,
                description: "Request accepted, its result is not known yet: repeat it with the same key",
                retryAfter: retryAfterMs
            )
            return LocalYooKassaLedger.json(body, status: 202)
        case .hang:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isReleased = self.server.state.withLock { state in
                    if !state.isReleased { state.hung.append(continuation) }
                    return state.isReleased
                }
                if isReleased { continuation.resume() }
            }
            return LocalYooKassaLedger.error(
                500,
                code: "internal_server_error",
                description: "The local YooKassa server was stopped"
            )
        }
    }

    private static func response(_ reply: LocalYooKassaReply) -> Response {
        var headers: HTTPFields = [:]
        let isJSON = reply.body.first == UInt8(ascii: "{")
        headers[.contentType] = isJSON ? "application/json" : "text/plain; charset=utf-8"
        if let location = reply.location { headers[.location] = location }
        return Response(
            status: .init(code: reply.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
        )
    }
}
