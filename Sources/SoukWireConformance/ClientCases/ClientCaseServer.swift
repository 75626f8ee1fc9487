import NIOCore
import NIOPosix
import Synchronization

/// `swp-conformance serve`'s listener: plays a client case on each accepted plaintext connection and reports, per
/// connection, what the client sent and whether the script's own checks held.
package final class ClientCaseServer: Sendable {
    /// What one connection showed.
    package struct Served: Sendable {
        /// The case played.
        package var caseID: String
        /// Every frame the client sent.
        package var frames: [SeenFrame]
        /// The script's failure or skip, if any.
        package var error: (any Error)?
    }

    /// The port listened on.
    package let port: Int
    /// How many HEADERS the scripts have read, over every connection (for calls that start after others).
    package var headersSeen: Int { self.headers.value.withLock { $0 } }
    private let headers: Counter
    /// One element per connection, in the order they end.
    package let served: AsyncStream<Served>
    private let listener: any Channel
    private let continuation: AsyncStream<Served>.Continuation

    private init(
        port: Int,
        headers: Counter,
        listener: any Channel,
        served: AsyncStream<Served>,
        continuation: AsyncStream<Served>.Continuation
    ) {
        self.port = port
        self.headers = headers
        self.listener = listener
        self.served = served
        self.continuation = continuation
    }

    /// Listens on `host:port` (0: any free port); the `n`th connection (from 0) plays `select(n)`, or is closed at
    /// once when that is `nil`.
    ///
    /// - Parameter readTimeout: how long the script waits for any one read: a bound for a silent client.
    package static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        readTimeout: Duration = .seconds(30),
        select: @escaping @Sendable (Int) -> ClientCase?
    ) async throws -> ClientCaseServer {
        let (served, continuation) = AsyncStream<Served>.makeStream()
        let counter = Counter()
        let headers = Counter()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let inbox = RawConnection.Inbox()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(inbox)
                }.map {
                    inbox.handshakeDone(alpn: nil)
                    let connection = RawConnection(channel: channel, inbox: inbox, readTimeout: readTimeout)
                    guard let clientCase = select(counter.next()) else {
                        connection.close()
                        return
                    }
                    Task {
                        let peer = ServedPeer(connection: connection) { _ = headers.next() }
                        var error: (any Error)?
                        do {
                            try await clientCase.script(peer)
                        } catch let failure {
                            error = failure
                        }
                        connection.close()
                        continuation.yield(Served(caseID: clientCase.id, frames: peer.frames, error: error))
                    }
                }
            }
            .bind(host: host, port: port)
            .get()
        return ClientCaseServer(
            port: listener.localAddress?.port ?? port,
            headers: headers,
            listener: listener,
            served: served,
            continuation: continuation
        )
    }

    /// Stops listening; connections under way play on.
    package func stop() {
        self.listener.close(promise: nil)
        self.continuation.finish()
    }
}

/// Counts accepted connections, or HEADERS read.
private final class Counter: Sendable {
    let value = Mutex(0)

    func next() -> Int {
        self.value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
