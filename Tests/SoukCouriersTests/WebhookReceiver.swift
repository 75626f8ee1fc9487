import Hummingbird
import NIOCore
import Synchronization

/// A tiny webhook endpoint on Hummingbird (as SoukPaymentsTests has one), on `127.0.0.1` and a free port: it records each POST to
/// `/webhooks` (body and headers) and answers the statuses it was told, in turn, then 200.
final class WebhookReceiver: Sendable {
    /// One POST as it arrived.
    struct Received: Sendable {
        var body: [UInt8]
        /// Header values by lower-case name.
        var headers: [String: String]
    }

    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let receiver: WebhookReceiver

        func respond(to request: Request, context: Context) async throws -> Response {
            guard request.method == .post, request.uri.path == "/webhooks" else { return Response(status: .notFound) }
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = self.receiver.receive(Received(body: Array(body.readableBytesView), headers: headers))
            return Response(status: .init(code: status))
        }
    }

    private let state: Mutex<(received: [Received], answers: [Int])>

    private init(answers: [Int]) {
        self.state = Mutex(([], answers))
    }

    /// Every POST, in the order it came.
    var received: [Received] { self.state.withLock { $0.received } }

    private func receive(_ received: Received) -> Int {
        self.state.withLock { state in
            state.received.append(received)
            return state.answers.isEmpty ? 200 : state.answers.removeFirst()
        }
    }

    /// Runs a receiver answering `answers` in turn (then 200) for the duration of `body`, which gets it and its
    /// URL, then stops it.
    static func with<Result: Sendable>(
        answers: [Int] = [],
        _ body: (WebhookReceiver, String) async throws -> Result
    ) async throws -> Result {
        let receiver = WebhookReceiver(answers: answers)
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: Responder(receiver: receiver),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "webhook-receiver"),
            onServerRunning: { channel in
                port.yield(channel.localAddress?.port ?? 0)
                port.finish()
            }
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { port.finish() }
                try await app.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() else {
                try await tasks.waitForAll()
                throw CancellationError()
            }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(receiver, "http://127.0.0.1:\(bound)/webhooks"))
            } catch {
                result = .failure(error)
            }
            tasks.cancelAll()
            while !tasks.isEmpty { _ = try? await tasks.next() }
            return try result.get()
        }
    }
}
