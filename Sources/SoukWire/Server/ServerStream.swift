import GRPCCore
import NIOCore

/// The inbound half of a server stream, as GRPCCore reads it: the request metadata, then messages.
///
/// Each message consumed returns its flow-control credit, so a handler that stops reading stops its client.
struct ServerStreamInbound: AsyncSequence, Sendable {
    typealias Element = RPCRequestPart<WireBytes>

    let metadata: Metadata
    let events: AsyncThrowingStream<StreamEvent, any Error>
    let connection: ConnectionHandle
    let id: UInt32
    let compression: MessageCompression

    func makeAsyncIterator() -> Iterator {
        Iterator(
            metadata: self.metadata,
            events: self.events.makeAsyncIterator(),
            connection: self.connection,
            id: self.id,
            compression: self.compression
        )
    }

    struct Iterator: AsyncIteratorProtocol {
        var metadata: Metadata?
        var events: AsyncThrowingStream<StreamEvent, any Error>.AsyncIterator
        let connection: ConnectionHandle
        let id: UInt32
        let compression: MessageCompression

        mutating func next() async throws -> RPCRequestPart<WireBytes>? {
            if let metadata = self.metadata {
                self.metadata = nil
                return .metadata(metadata)
            }
            do {
                guard let event = try await self.events.next() else { return nil }
                guard case .message(let buffer, let wireSize, let isCompressed) = event else {
                    throw RPCError(code: .internalError, message: "unexpected frame on a request stream")
                }
                let id = self.id
                let message = try self.connection.takeMessage(
                    buffer,
                    wireSize: wireSize,
                    isCompressed: isCompressed,
                    compression: self.compression,
                    streamID: { id }
                )
                return .message(message)
            } catch let failure as StreamFailure {
                let code = Status.Code(rawValue: Int(failure.code)).flatMap { RPCError.Code($0) } ?? .unknown
                throw RPCError(code: code, message: failure.message)
            }
        }
    }
}

/// The outbound half of a server stream, as GRPCCore writes it: optional metadata, messages, one status.
struct ServerStreamWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCResponsePart<WireBytes>

    let connection: ConnectionHandle
    let id: UInt32
    let compression: MessageCompression
    private let outbox: StreamOutbox

    init(connection: ConnectionHandle, id: UInt32, compression: MessageCompression) {
        self.connection = connection
        self.id = id
        self.compression = compression
        self.outbox = StreamOutbox(connection: connection, streamID: { id })
    }

    func write(_ element: RPCResponsePart<WireBytes>) async throws {
        let id = self.id
        switch element {
        case .metadata(let metadata):
            let head = Self.headEntries(metadata, compression: self.compression)
            self.outbox.enqueue { handler in handler.sendResponseHead(head, on: id) }
        case .message(let bytes):
            let (payload, isCompressed) = try self.compression.compress(bytes.buffer)
            try await self.outbox.write(payload, isCompressed: isCompressed)
        case .status(let status, let metadata):
            let trailers = Self.trailers(status, metadata)
            self.outbox.enqueue { handler in handler.sendTrailers(trailers, on: id) }
        }
    }

    /// Sends a whole response, head (if any), messages (already compressed as `compression` says) and trailers, in
    /// one event-loop hop: for a call with one response (or none: trailers only), with nothing written before.
    static func sendWhole(
        on connection: ConnectionHandle,
        id: UInt32,
        compression: MessageCompression,
        head: Metadata?,
        messages: [(payload: ByteBuffer, isCompressed: Bool)],
        status: Status,
        trailingMetadata: Metadata
    ) {
        let head = head.map { Self.headEntries($0, compression: compression) }
        let trailers = Self.trailers(status, trailingMetadata)
        connection.execute { handler in
            if let head { handler.sendResponseHead(head, on: id) }
            for message in messages {
                handler.sendMessage(
                    message.payload,
                    isCompressed: message.isCompressed,
                    endStream: false,
                    on: id,
                    promise: nil
                )
            }
            handler.sendTrailers(trailers, on: id)
        }
    }

    /// The response head's entries: the metadata, and the codec when responses are compressed.
    private static func headEntries(
        _ metadata: Metadata,
        compression: MessageCompression
    ) -> [(key: String, value: WireMetadataValue)] {
        var entries = MetadataCoding.entries(metadata)
        if compression.compressesOutgoing {
            entries.append(("grpc-encoding", .text("zstd")))
        }
        return entries
    }

    private static func trailers(_ status: Status, _ metadata: Metadata) -> WireProtobuf.Trailers {
        WireProtobuf.Trailers(
            code: UInt32(status.code.rawValue),
            message: status.message,
            metadata: MetadataCoding.entries(metadata)
        )
    }

    func write(contentsOf elements: some Sequence<RPCResponsePart<WireBytes>>) async throws {
        for element in elements { try await self.write(element) }
    }

    func finish() async {}

    func finish(throwing error: any Error) async {
        let id = self.id
        self.outbox.enqueue { handler in handler.cancel(id, status: StreamFailure.internal) }
    }
}
