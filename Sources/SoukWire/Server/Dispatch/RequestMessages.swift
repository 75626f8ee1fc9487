import GRPCCore

/// The request messages of one directly served call, decoded as the handler reads them.
///
/// Each message consumed returns its flow-control credit, so a handler that stops reading stops its client.
struct RequestMessages<Message: Sendable>: AsyncSequence, Sendable {
    typealias Element = Message

    let events: AsyncThrowingStream<StreamEvent, any Error>
    let connection: ConnectionHandle
    let id: UInt32
    let compression: MessageCompression
    let decode: @Sendable (WireBytes) throws -> Message

    func makeAsyncIterator() -> Iterator {
        Iterator(
            events: self.events.makeAsyncIterator(),
            connection: self.connection,
            id: self.id,
            compression: self.compression,
            decode: self.decode
        )
    }

    struct Iterator: AsyncIteratorProtocol {
        var events: AsyncThrowingStream<StreamEvent, any Error>.AsyncIterator
        let connection: ConnectionHandle
        let id: UInt32
        let compression: MessageCompression
        let decode: @Sendable (WireBytes) throws -> Message

        mutating func next() async throws -> Message? {
            let bytes: WireBytes
            do {
                guard let event = try await self.events.next() else { return nil }
                guard case .message(let buffer, let wireSize, let isCompressed) = event else {
                    throw RPCError(code: .internalError, message: "unexpected frame on a request stream")
                }
                let id = self.id
                bytes = try self.connection.takeMessage(
                    buffer,
                    wireSize: wireSize,
                    isCompressed: isCompressed,
                    compression: self.compression,
                    streamID: { id }
                )
            } catch let failure as StreamFailure {
                let code = Status.Code(rawValue: Int(failure.code)).flatMap { RPCError.Code($0) } ?? .unknown
                throw RPCError(code: code, message: failure.message)
            }
            return try self.decode(bytes)
        }
    }
}
