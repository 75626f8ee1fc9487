import NIOCore
import NIOTLS
import Synchronization

extension RawConnection {
    /// Keeps every byte the server sends, the end of the connection and the TLS outcome, and wakes the reader.
    final class Inbox: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        struct State: Sendable {
            var bytes: [UInt8] = []
            var isClosed = false
            var handshake: Result<String?, any Error>?
            var waiter: Waiter?
            var nextWaiterID = 0
        }

        struct Waiter: Sendable {
            var id: Int
            var condition: @Sendable (State) -> Bool
            var continuation: CheckedContinuation<Void, Never>
        }

        let state = Mutex(State())

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            self.update { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.update { state in
                state.isClosed = true
                if state.handshake == nil { state.handshake = .failure(HandshakeClosed()) }
            }
            context.fireChannelInactive()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? TLSUserEvent, case .handshakeCompleted(let alpn) = event {
                self.handshakeDone(alpn: alpn)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.update { state in
                if state.handshake == nil { state.handshake = .failure(error) }
            }
            context.close(promise: nil)
        }

        func handshakeDone(alpn: String?) {
            self.update { state in
                if state.handshake == nil { state.handshake = .success(alpn) }
            }
        }

        /// Installs the reader's continuation; resumes it at once (and returns nil) when `condition` already holds.
        func addWaiter(
            condition: @escaping @Sendable (State) -> Bool,
            continuation: CheckedContinuation<Void, Never>
        ) -> Int? {
            let id: Int? = self.state.withLock { state in
                if condition(state) { return nil }
                state.nextWaiterID += 1
                state.waiter = Waiter(id: state.nextWaiterID, condition: condition, continuation: continuation)
                return state.nextWaiterID
            }
            if id == nil { continuation.resume() }
            return id
        }

        /// The read timeout passed: wakes the reader if it still waits.
        func expireWaiter(_ id: Int) {
            let waiter: Waiter? = self.state.withLock { state in
                guard let waiter = state.waiter, waiter.id == id else { return nil }
                state.waiter = nil
                return waiter
            }
            waiter?.continuation.resume()
        }

        private func update(_ change: (inout State) -> Void) {
            let ready: Waiter? = self.state.withLock { state in
                change(&state)
                guard let waiter = state.waiter, waiter.condition(state) else { return nil }
                state.waiter = nil
                return waiter
            }
            ready?.continuation.resume()
        }
    }

    /// The connection closed before its TLS handshake completed.
    struct HandshakeClosed: Error, CustomStringConvertible {
        var description: String { "the connection closed during the handshake" }
    }
}
