import Dispatch
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import SoukAPI

@testable import SoukBridge

/// A whole request through `BridgeResponder.respond`, written as text:
///
/// ```
/// POST /souk.catalog.v1.CatalogService/GetProduct 7
/// content-type: application/json
/// cookie: souk_session={session}
/// x-csrf-token: {csrf}
///
/// {"id":"…"}
/// ```
///
/// The first line is the verb, the path and optionally the size of the body's chunks (else one chunk); then header
/// fields (invalid names are skipped) up to an empty line; the rest is the body. `{session}` and `{csrf}` in a field
/// become a live cookie session's id and CSRF token (each request gets a new store holding that one session).
enum HTTPHarness {
    /// The bridge's limits, made small so the fuzzer reaches them.
    static let config = BridgeConfig(
        maxBodyBytes: 4096,
        maxUploadBytes: 16_384,
        corsOrigins: ["https://shop.example"],
        streamHeartbeat: .seconds(3600),
        maxWebhookBytes: 4096,
        webhookTimeout: .seconds(5),
        maxHeaderBytes: 2048,
        callTimeout: .seconds(5)
    )

    /// `SOUK_FUZZ_TRACE=1` prints each request's answer (for looking at what a corpus reaches).
    static let trace = ProcessInfo.processInfo.environment["SOUK_FUZZ_TRACE"] == "1"

    static let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

    static func run(_ bytes: ArraySlice<UInt8>) {
        let input = Input(bytes)
        // The context's channel (only for the peer's address: none here), made and finished on this thread as an
        // EmbeddedChannel must be; unfinished, it would leak its pipeline.
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        let context = BridgeRequestContext(
            source: ApplicationRequestContextSource(channel: channel, logger: Self.logger)
        )
        let (status, contentType, body) = Self.blocking {
            let sessions = SessionStore(idleTimeout: .seconds(3600))
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            var tokens = Souk_Identity_V1_TokenPair()
            tokens.accessToken = "access"
            tokens.accessExpiresAtUnixMs = now + 3_600_000
            tokens.refreshToken = "refresh"
            tokens.refreshExpiresAtUnixMs = now + 86_400_000
            let id = await sessions.create(tokens: tokens, email: "fuzz@example.com", roles: [], margin: .seconds(30)) {
                _ in throw RPCError(code: .unavailable, message: "no refresh while fuzzing")
            }
            let csrf = await sessions.session(id)?.csrfToken ?? ""
            let responder = BridgeResponder(
                client: Upstream.shared.client,
                config: Self.config,
                sessions: sessions,
                logger: Self.logger
            )
            let request = input.request(session: id, csrf: csrf)
            let response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch {
                preconditionFailure("respond threw \(error) for \(input)")
            }
            let collector = Collector()
            do {
                try await response.body.write(collector)
            } catch {
                preconditionFailure("the response body failed: \(error) for \(input)")
            }
            return (response.status.code, response.headers[.contentType], collector.bytes)
        }
        if Self.trace {
            print(
                "\(input.method) \(input.path) -> \(status) \(contentType ?? "-") \(String(decoding: body.prefix(160), as: UTF8.self))"
            )
        }
        precondition((100...599).contains(status), "status \(status) for \(input)")
        switch contentType {
        case "application/json" where status >= 400:
            let code = ConnectChecks.checkErrorBody(body, "\(status) for \(input)")
            precondition(code != "internal" && code != "unknown", "a server fault (\(code)) for \(input)")
        case "application/connect+json", "application/connect+proto":
            precondition(status == 200, "a Connect stream answered \(status) for \(input)")
            let code = ConnectChecks.checkStreamBody(body, "the stream for \(input)")
            precondition(code != "internal" && code != "unknown", "a server fault (\(code ?? "")) for \(input)")
        default:
            break
        }
    }

    /// Runs `body` to completion on the concurrency pool while this (libFuzzer's) thread waits.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = NIOLockedValueBox<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            result.withLockedValue { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLockedValue { $0 }!
    }

    /// One request as the fuzzer wrote it.
    struct Input: Sendable, CustomStringConvertible {
        var method = "POST"
        var path = "/"
        var chunkSize: Int?
        var fields: [(name: String, value: [UInt8])] = []
        var body: [UInt8] = []

        init(_ bytes: ArraySlice<UInt8>) {
            let blank = bytes.indices.first { bytes[$0] == 10 && $0 + 1 < bytes.endIndex && bytes[$0 + 1] == 10 }
            let head = blank.map { bytes[bytes.startIndex..<$0] } ?? bytes
            self.body = blank.map { Array(bytes[($0 + 2)...]) } ?? []
            var lines = head.split(separator: 10, omittingEmptySubsequences: false).map { line in
                line.last == 13 ? line.dropLast() : line
            }
            guard !lines.isEmpty else { return }
            let start = lines.removeFirst().split(separator: 32).map { String(decoding: $0, as: UTF8.self) }
            if start.count > 0 { self.method = start[0] }
            if start.count > 1 { self.path = start[1] }
            if start.count > 2, let size = Int(start[2]), size > 0 { self.chunkSize = min(size, 1 << 16) }
            for line in lines {
                guard let colon = line.firstIndex(of: 58) else { continue }
                let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                let value = line[(colon + 1)...].drop { $0 == 32 || $0 == 9 }
                self.fields.append((name.trimmingCharacters(in: .whitespaces), Array(value)))
            }
        }

        /// The Hummingbird request, with the placeholders replaced.
        func request(session: String, csrf: String) -> Request {
            var headers = HTTPFields()
            for field in self.fields {
                guard let name = HTTPFields.Element.Name(field.name) else { continue }
                let value = field.value
                    .substituting(Array("{session}".utf8), with: Array(session.utf8))
                    .substituting(Array("{csrf}".utf8), with: Array(csrf.utf8))
                headers.append(HTTPFields.Element(name: name, lenientValue: value))
            }
            let head = HTTPRequest(
                method: HTTPRequest.Method(self.method) ?? .post,
                scheme: "http",
                authority: "localhost",
                path: self.path,
                headerFields: headers
            )
            guard let size = self.chunkSize else {
                return Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: self.body)))
            }
            let chunks = stride(from: 0, to: self.body.count, by: size).map {
                ByteBuffer(bytes: self.body[$0..<min($0 + size, self.body.count)])
            }
            return Request(head: head, body: RequestBody(asyncSequence: Chunks(buffers: chunks)))
        }

        var description: String {
            let head =
                ([self.method + " " + self.path]
                    + self.fields.map { "\($0.name): \(String(decoding: $0.value, as: UTF8.self))" })
            return head.joined(separator: "\n") + "\n\n" + String(decoding: self.body.prefix(200), as: UTF8.self)
        }
    }

    /// A body that arrives in the given pieces.
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let buffers: [ByteBuffer]

        struct AsyncIterator: AsyncIteratorProtocol {
            var remaining: ArraySlice<ByteBuffer>
            mutating func next() async -> ByteBuffer? { self.remaining.popFirst() }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: self.buffers[...]) }
    }

    /// Gathers a response body.
    final class Collector: ResponseBodyWriter, @unchecked Sendable {
        var bytes: [UInt8] = []
        func write(_ buffer: ByteBuffer) async throws { self.bytes.append(contentsOf: buffer.readableBytesView) }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// The services behind the bridge: an in-process server with no services, so every call the bridge forwards is
/// answered UNIMPLEMENTED at once.
final class Upstream: Sendable {
    static let shared = Upstream()
    let client: GRPCClient<InProcessTransport.Client>

    private init() {
        let transport = InProcessTransport()
        let server = GRPCServer(transport: transport.server, services: [])
        let client = GRPCClient(transport: transport.client)
        self.client = client
        Task.detached { try? await server.serve() }
        Task.detached { try? await client.runConnections() }
    }
}

extension Array where Element == UInt8 {
    /// This array with every `target` replaced by `replacement`.
    fileprivate func substituting(_ target: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !target.isEmpty, self.count >= target.count else { return self }
        var result: [UInt8] = []
        var index = 0
        while index < self.count {
            if index + target.count <= self.count, self[index..<(index + target.count)].elementsEqual(target) {
                result += replacement
                index += target.count
            } else {
                result.append(self[index])
                index += 1
            }
        }
        return result
    }
}
