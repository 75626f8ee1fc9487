import NIOCore

/// One stream's state, owned by its connection's event loop.
final class StreamContext {
    /// A DATA payload waiting for credit.
    struct PendingWrite {
        var data: ByteBuffer
        var flags: UInt8
        var promise: EventLoopPromise<Void>?
    }

    let id: UInt32
    let continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    /// Credit we have to send DATA on this stream.
    var sendWindow: Int
    /// Credit the peer has left on this stream.
    var receiveWindow: Int
    /// Bytes the application consumed that we have not yet returned with WINDOW_UPDATE.
    var consumedUnreturned = 0
    var pending: [PendingWrite] = []
    var pendingStart = 0
    /// The message being reassembled.
    var reassembly: ByteBuffer?
    var reassemblyIsCompressed = false
    var reassemblyWireSize = 0
    /// Which frames the stream may still send and receive (PROTOCOL.md §7.2).
    var state: StreamStateMachine
    var deadline: Scheduled<Void>?
    /// Server: tells the RPC handler it was cancelled.
    var onCancel: (@Sendable () -> Void)?

    init(
        id: UInt32,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation,
        state: StreamStateMachine,
        sendWindow: Int,
        receiveWindow: Int
    ) {
        self.id = id
        self.state = state
        self.continuation = continuation
        self.sendWindow = sendWindow
        self.receiveWindow = receiveWindow
    }

    var hasPending: Bool { self.pendingStart < self.pending.count }
}
