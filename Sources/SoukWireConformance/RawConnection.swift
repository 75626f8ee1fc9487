package import NIOCore
import NIOPosix
package import NIOSSL
import NIOTLS
import Synchronization

/// One TCP (or TLS) connection to the server that sends exactly the bytes a case gives it and reads what comes
/// back frame by frame, each read bounded by the target's timeout.
///
/// Nothing here follows the protocol on its own: no SETTINGS ACK, no PING answer, no flow control. That is what
/// lets a case send deliberately wrong bytes and see the server's answer unfiltered.
package final class RawConnection: Sendable {
    /// How a TLS connection is opened, for the cases of PROTOCOL.md §2 that bend it.
    package struct TLSOptions: Sendable {
        /// The ALPN ids offered; empty offers none.
        package var applicationProtocols: [String] = ["swp/1"]
        /// The newest TLS version offered; `nil` offers TLS 1.3.
        package var maximumVersion: TLSVersion? = nil
        /// Whether to skip TLS on a TLS target (a plaintext client on the TLS port).
        package var isPlaintext = false

        /// SWP's own handshake: TLS 1.3 and ALPN `swp/1`.
        package init() {}
    }

    private let channel: any Channel
    private let inbox: Inbox
    private let readTimeout: Duration

    init(channel: any Channel, inbox: Inbox, readTimeout: Duration) {
        self.channel = channel
        self.inbox = inbox
        self.readTimeout = readTimeout
    }

    /// Connects to `target`; with TLS, waits for the handshake.
    ///
    /// - Throws: ``CaseFailure`` when the connection or the handshake fails.
    package static func connect(
        to target: ConformanceTarget,
        tls options: TLSOptions = TLSOptions()
    ) async throws -> RawConnection {
        let inbox = Inbox()
        var sslContext: NIOSSLContext?
        if case .tls(let authority) = target.security, !options.isPlaintext {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = options.maximumVersion ?? .tlsv13
            configuration.maximumTLSVersion = options.maximumVersion ?? .tlsv13
            configuration.applicationProtocols = options.applicationProtocols
            configuration.certificateVerification = .noHostnameVerification
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(authority))
                sslContext = try NIOSSLContext(configuration: configuration)
            } catch {
                throw CaseFailure(expected: "a usable CA file at \(authority)", seen: "\(error)")
            }
        }
        let context = sslContext
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(TimeAmount(target.readTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if let context {
                            try sync.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                        }
                        try sync.addHandler(inbox)
                    }
                }
                .connect(host: target.host, port: target.port).get()
        } catch {
            throw CaseFailure(expected: "a TCP connection to \(target.host):\(target.port)", seen: "\(error)")
        }
        if context == nil { inbox.handshakeDone(alpn: nil) }
        return RawConnection(channel: channel, inbox: inbox, readTimeout: target.readTimeout)
    }

    /// The outcome of the TLS handshake: the negotiated ALPN id (nil for none), or the error that ended it.
    package func handshake() async -> Result<String?, any Error> {
        await self.waitUntil { $0.handshake != nil }
        return self.inbox.state.withLock { $0.handshake }
            ?? .failure(CaseFailure(expected: "a TLS handshake", seen: "none"))
    }

    /// Writes `bytes` as they are.
    package func send(_ bytes: [UInt8]) {
        self.channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    /// Writes `buffer` as it is.
    package func send(_ buffer: ByteBuffer) {
        self.channel.writeAndFlush(buffer, promise: nil)
    }

    /// Closes the connection.
    package func close() {
        self.channel.close(promise: nil)
    }

    /// Reads exactly `count` bytes, or fewer when the connection ends or the read times out.
    package func readBytes(_ count: Int) async -> [UInt8] {
        await self.waitUntil { $0.bytes.count >= count || $0.isClosed }
        return self.inbox.state.withLock { state in
            let taken = Array(state.bytes.prefix(count))
            state.bytes.removeFirst(taken.count)
            return taken
        }
    }

    /// Reads the next frame; `.closed` when the connection ended first, `.timedOut` when nothing came in time.
    package func readFrame() async -> ReadResult {
        await self.waitUntil { state in
            state.isClosed || Self.completeFrameLength(state.bytes).map { state.bytes.count >= $0 } == true
        }
        return self.inbox.state.withLock { state in
            if let length = Self.completeFrameLength(state.bytes), state.bytes.count >= length {
                let bytes = Array(state.bytes.prefix(length))
                state.bytes.removeFirst(length)
                return .frame(SeenFrame(bytes: bytes))
            }
            if state.isClosed { return .closed(leftover: state.bytes) }
            return .timedOut(partial: state.bytes)
        }
    }

    /// What one read found.
    package enum ReadResult: Sendable {
        /// A whole frame.
        case frame(SeenFrame)
        /// The connection ended; `leftover` is a partial frame that never completed.
        case closed(leftover: [UInt8])
        /// Nothing complete within the read timeout.
        case timedOut(partial: [UInt8])
    }

    private static func completeFrameLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 12 else { return nil }
        let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        return 12 + length
    }

    /// Waits until `condition` holds or the read timeout passes.
    private func waitUntil(_ condition: @escaping @Sendable (Inbox.State) -> Bool) async {
        let deadline = NIODeadline.now() + TimeAmount(self.readTimeout)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id = self.inbox.addWaiter(condition: condition, continuation: continuation)
            guard let id else { return }
            self.channel.eventLoop.scheduleTask(deadline: deadline) {
                self.inbox.expireWaiter(id)
            }
        }
    }
}
