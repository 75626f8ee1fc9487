import GRPCCore
import NIOCore
import Synchronization

/// The writer of a call with one response: messages are encoded and compressed as written (so a failure is the
/// producer's, as on the streaming path) and kept, to go out with the head and trailers in one event-loop hop.
final class CollectingResponseWriter<Message: Sendable>: RPCWriterProtocol {
    private let compression: MessageCompression
    private let encode: @Sendable (Message) throws -> WireBytes
    private let collected = Mutex<[(payload: ByteBuffer, isCompressed: Bool)]>([])

    init(compression: MessageCompression, encode: @escaping @Sendable (Message) throws -> WireBytes) {
        self.compression = compression
        self.encode = encode
    }

    /// What was written, in order.
    var messages: [(payload: ByteBuffer, isCompressed: Bool)] { self.collected.withLock { $0 } }

    func write(_ element: Message) async throws {
        let (payload, isCompressed) = try self.compression.compress(try self.encode(element).buffer)
        self.collected.withLock { $0.append((payload, isCompressed)) }
    }

    func write(contentsOf elements: some Sequence<Message>) async throws {
        for element in elements { try await self.write(element) }
    }
}
