import Hummingbird
import NIOCore
import Synchronization

/// The local EasyPost server's HTTP side: the request is recorded, then faults, then the key, then the ledger,
/// whose events are queued before the answer goes.
struct LocalEasyPostResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let server: LocalEasyPostServer

    func respond(to request: Request, context: Context) async throws -> Response {
        let method = request.method.rawValue
        var path = request.uri.path
        // The client's base URL may end in /v2, as EasyPost's does.
        if path.hasPrefix("/v2/") { path = String(path.dropFirst(3)) }
        let body = method == "POST" ? Array(buffer: try await request.body.collect(upTo: 1 << 20)) : []
        let index = self.server.state.withLock { state in
            state.seen.append(LocalEasyPostServer.Seen(method: method, path: path, status: 0))
            return state.seen.count - 1
        }
        let reply: LocalEasyPostReply
        if let fault = self.server.state.withLock({ $0.faults.isEmpty ? nil : $0.faults.removeFirst() }) {
            reply = await self.answer(fault)
        } else if request.headers[.authorization] != "Bearer \(self.server.config.apiKey)" {
            let code = request.headers[.authorization] == nil ? "APIKEY.REQUIRED" : "APIKEY.INACTIVE"
            reply = LocalEasyPostLedger.error(401, code, "The API key provided is not valid.")
        } else {
            let call = LocalEasyPostRequest(method: method, path: path, body: body)
            let now = self.server.config.now()
            let advancesOnRead = self.server.config.advancesOnRead
            reply = self.server.state.withLock { state in
                let reply = state.ledger.handle(call, now: now, advancesOnRead: advancesOnRead)
                self.server.send(state.ledger.takeEvents())
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

    private func answer(_ fault: LocalEasyPostServer.Fault) async -> LocalEasyPostReply {
        switch fault {
        case .status(let status):
            return LocalEasyPostLedger.error(
                status,
                status >= 500 ? "INTERNAL_SERVER_ERROR" : "PARAMETER.INVALID",
                "The local EasyPost server was told to fail this request (HTTP \(status))"
            )
        case .hang:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let isReleased = self.server.state.withLock { state in
                    if !state.isReleased { state.hung.append(continuation) }
                    return state.isReleased
                }
                if isReleased { continuation.resume() }
            }
            return LocalEasyPostLedger.error(500, "INTERNAL_SERVER_ERROR", "The local EasyPost server was stopped")
        }
    }
}
