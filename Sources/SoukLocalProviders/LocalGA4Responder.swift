import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The local GA4 server's HTTP side: the request is recorded, then an injected failure, then the path's rules.
struct LocalGA4Responder: HTTPResponder {
    typealias Context = BasicRequestContext

    let server: LocalGA4Server

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
        let failure = self.server.state.withLock { $0.failures.isEmpty ? nil : $0.failures.removeFirst() }
        let status: Int
        let answer: [UInt8]
        if let failure {
            (status, answer) = (failure, [])
        } else if request.method != .post || (path != "/mp/collect" && path != "/debug/mp/collect") {
            (status, answer) = (404, [])
        } else {
            let query = request.uri.queryParameters
            let measurementID = query["measurement_id"].map(String.init) ?? ""
            let secret = query["api_secret"].map(String.init) ?? ""
            var validator = LocalGA4Validator(now: self.server.config.now())
            let valid = validator.check(body)
            if path == "/debug/mp/collect" {
                struct Answer: Encodable { var validationMessages: [LocalGA4Validator.Message] }
                status = 200
                answer = Array(try JSONEncoder().encode(Answer(validationMessages: validator.messages)))
            } else {
                status = 204
                answer = []
                self.record(valid, measurementID: measurementID, secret: secret, body: body)
            }
        }
        self.server.state.withLock { $0.seen.append(LocalGA4Server.Seen(path: path, status: status)) }
        var headers: HTTPFields = [:]
        if !answer.isEmpty { headers[.contentType] = "application/json" }
        return Response(
            status: .init(code: status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer))
        )
    }

    private func record(
        _ valid: (clientID: String, events: [LocalGA4Validator.Event])?,
        measurementID: String,
        secret: String,
        body: [UInt8]
    ) {
        guard let valid, !measurementID.isEmpty, secret == self.server.config.apiSecret else {
            self.server.state.withLock { $0.dropped += 1 }
            return
        }
        let events = valid.events.map { event in
            let items = (event.params["items"] as? [[String: Any]] ?? []).map { item in
                LocalGA4Server.Recorded.Item(
                    itemID: item["item_id"] as? String ?? "",
                    quantity: (item["quantity"] as? NSNumber)?.intValue ?? 1,
                    price: (item["price"] as? NSNumber)?.doubleValue
                )
            }
            return LocalGA4Server.Recorded(
                measurementID: measurementID,
                clientID: valid.clientID,
                name: event.name,
                timestampMicros: event.timestampMicros,
                transactionID: event.params["transaction_id"] as? String,
                currency: event.params["currency"] as? String,
                value: (event.params["value"] as? NSNumber)?.doubleValue,
                items: items
            )
        }
        self.server.state.withLock { state in
            state.recorded += events
            state.collectBodies.append(String(decoding: body, as: UTF8.self))
        }
    }
}
