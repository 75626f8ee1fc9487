import Foundation
import Hummingbird
import NIOCore
import SoukCouriers
import Synchronization

/// The local CDEK server's HTTP side: the request is recorded, then faults, then the ledger (which checks the
/// token), whose webhooks are queued before the answer goes.
struct LocalCDEKResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let server: LocalCDEKServer

    func respond(to request: Request, context: Context) async throws -> Response {
        let method = request.method.rawValue
        var path = request.uri.path
        // The client's base URL may end in /v2, as CDEK's does.
        if path.hasPrefix("/v2/") { path = String(path.dropFirst(3)) }
        var body = method == "POST" ? Array(buffer: try await request.body.collect(upTo: 1 << 20)) : []
        // CDEK's plugin sends the token request's fields as a query: accepted too.
        if path == "/oauth/token", body.isEmpty, let query = request.uri.query { body = Array(query.utf8) }
        let index = self.server.state.withLock { state in
            state.seen.append(LocalCDEKServer.Seen(method: method, path: path, status: 0))
            return state.seen.count - 1
        }
        let reply: LocalCDEKReply
        if let fault = self.server.state.withLock({ $0.faults.isEmpty ? nil : $0.faults.removeFirst() }) {
            reply = await self.answer(fault)
        } else {
            var token: String?
            if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
                token = String(authorization.dropFirst("Bearer ".count))
            }
            var query: [String: String] = [:]
            for pair in (request.uri.query ?? "").split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { query[parts[0]] = parts[1].removingPercentEncoding ?? parts[1] }
            }
            let call = LocalCDEKRequest(method: method, path: path, query: query, token: token, body: body)
            let now = self.server.config.now()
            let advancesOnRead = self.server.config.advancesOnRead
            reply = self.server.state.withLock { state in
                let reply = state.ledger.handle(call, now: now, advancesOnRead: advancesOnRead)
                self.server.send(state.ledger.takeEvents(), to: state.ledger.subscription?.url)
                return reply
            }
        }
        let losesAnswer = self.server.state.withLock { state in
            guard let at = state.lostAnswers.firstIndex(where: { path.hasSuffix($0) }) else { return false }
            state.lostAnswers.remove(at: at)
            return true
        }
        if losesAnswer { _ = await self.answer(.hang) }
        self.server.state.withLock { $0.seen[index].status = reply.status }
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/json"
        return Response(
            status: .init(code: reply.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
        )
    }

    private func answer(_ fault: LocalCDEKServer.Fault) async -> LocalCDEKReply {
        switch fault {
        case .status(let status):
            return LocalCDEKLedger.errors(
                status,
                status >= 500 ? "v2_internal_error" : "v2_bad_request",
                "The local CDEK server was told to fail this request (HTTP \(status))"
            )
        case .hang:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isReleased = self.server.state.withLock { state in
                    if !state.isReleased { state.hung.append(continuation) }
                    return state.isReleased
                }
                if isReleased { continuation.resume() }
            }
            return LocalCDEKLedger.errors(500, "v2_internal_error", "The local CDEK server was stopped")
        }
    }
}
