import Foundation
import Glibc
import Logging
import SoukBridge
import SoukClient
import SoukHost
import TestSupport
import Testing

/// A client that sends slowly, or announces more than it may send, holds a bridge connection for a bounded time
/// only: the bridge closes a connection that stops sending mid-request, and refuses an announced body over the
/// limit at once.
@Suite("Slow and silent clients of the bridge")
struct SlowClientTests {
    /// Runs a ``BridgeService`` with a one-second idle timeout in front of a host, and hands `body` its port.
    static func withBridge(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            var logger = Logger(label: "souk-bridge-test")
            logger.logLevel = .warning
            let (ports, port) = AsyncStream<Int>.makeStream()
            let service = BridgeService(
                host: "127.0.0.1",
                port: 0,
                upstream: ClientConfig(
                    host: "127.0.0.1",
                    port: harness.info.swpPort,
                    trust: .certificateAuthority(path: harness.info.certificateAuthorityPath ?? "")
                ),
                config: BridgeConfig(maxBodyBytes: 1 << 20, idleTimeout: .seconds(1)),
                assets: nil,
                logger: logger,
                onListening: { port.yield($0) }
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                defer { group.cancelAll() }
                var iterator = ports.makeAsyncIterator()
                let listening = try #require(await iterator.next())
                try await body(listening)
            }
        }
    }

    @Test("headers that stop half-way: the connection is closed once it has been silent for the idle timeout")
    func partialHeadersAreCutOff() async throws {
        try await Self.withBridge { port in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            socket.send("POST /souk.catalog.v1.CatalogService/ListCategories HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            // Generous: the idle timeout is one second.
            let (_, closed) = try await socket.readUntilClosed(orAfter: .seconds(30))
            #expect(closed)
        }
    }

    @Test("a body announced as 100 GB is refused at once, before any of it is read")
    func hugeAnnouncedBodyIsRefused() async throws {
        try await Self.withBridge { port in
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            socket.send(
                "POST /souk.catalog.v1.CatalogService/ListCategories HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 107374182400\r\n\r\n{}"
            )
            let (answer, _) = try await socket.readUntilClosed(orAfter: .seconds(30)) { $0.contains("}") }
            #expect(answer.hasPrefix("HTTP/1.1 429"), "\(answer.prefix(200))")
            #expect(answer.contains("resource_exhausted"))
            #expect(answer.contains("body: larger than 1048576 bytes"))
        }
    }
}

/// A plain TCP connection to 127.0.0.1, read without blocking a thread.
struct RawSocket: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        self.descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(self.descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// What arrives until the peer closes the connection, `enough` says the answer is complete, or `bound` passes;
    /// and whether the peer closed it.
    func readUntilClosed(
        orAfter bound: Duration,
        enough: (String) -> Bool = { _ in false }
    ) async throws -> (String, closed: Bool) {
        let deadline = ContinuousClock.now + bound
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes {
                recv(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
            if count > 0 {
                received += buffer[0..<count]
                if enough(String(decoding: received, as: UTF8.self)) { break }
                continue
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK else {
                return (String(decoding: received, as: UTF8.self), true)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    func close() { _ = Glibc.close(self.descriptor) }
}
