package import NIOCore

/// A thread-safe reference to a ``ConnectionHandler``: every call hops onto the connection's event loop.
package struct ConnectionHandle: Sendable {
    /// The connection's channel.
    package let channel: any Channel
    private let handler: NIOLoopBound<ConnectionHandler>
    /// The peer's settings when the handle was made (for a client: once the connection was ready).
    package let peerSettings: Settings
    private let credits = CreditReturns()

    /// Wraps `handler`; call on the channel's event loop.
    package init(channel: any Channel, handler: ConnectionHandler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.peerSettings = handler.peerSettings
    }

    /// The connection's event loop.
    package var eventLoop: any EventLoop { self.channel.eventLoop }

    /// Runs `body` with the handler on its event loop (at once if already there).
    package func execute(_ body: @escaping @Sendable (ConnectionHandler) -> Void) {
        if self.channel.eventLoop.inEventLoop {
            body(self.handler.value)
        } else {
            let handler = self.handler
            self.channel.eventLoop.execute { body(handler.value) }
        }
    }

    /// Takes one received message: returns its flow-control credit and decompresses it.
    ///
    /// A message that cannot be decompressed cancels its stream with the failure's code, which is rethrown.
    /// - Parameter streamID: the stream, read on the event loop (a client learns its id only there).
    func takeMessage(
        _ payload: ByteBuffer,
        wireSize: Int,
        isCompressed: Bool,
        compression: MessageCompression,
        streamID: @escaping @Sendable () -> UInt32?
    ) throws -> WireBytes {
        self.credits.add(wireSize, streamID: streamID, on: self)
        do {
            return WireBytes(try compression.decompress(payload, isCompressed: isCompressed))
        } catch let failure as StreamFailure {
            self.execute { handler in
                if let id = streamID() { handler.cancel(id, status: failure.code) }
            }
            throw failure
        }
    }
}
