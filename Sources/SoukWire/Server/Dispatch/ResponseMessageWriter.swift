import GRPCCore

/// The writer a directly served call's producer writes its response messages to: each is encoded and queued on the
/// stream, behind the response head.
struct ResponseMessageWriter<Message: Sendable>: RPCWriterProtocol {
    let writer: ServerStreamWriter
    let encode: @Sendable (Message) throws -> WireBytes

    func write(_ element: Message) async throws {
        try await self.writer.write(.message(try self.encode(element)))
    }

    func write(contentsOf elements: some Sequence<Message>) async throws {
        for element in elements { try await self.write(element) }
    }
}
