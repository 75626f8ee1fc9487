import GRPCCore
import GRPCProtobuf
import Hummingbird
import NIOCore
import SwiftProtobuf
import Synchronization

/// Splits a Connect request body into its envelopes as the bytes arrive, so a large upload is never held whole.
struct ConnectEnvelopeReader {
    /// The largest message in one envelope.
    let maxMessageBytes: Int
    /// The largest body in total.
    let maxTotalBytes: Int
    private var pending: [UInt8] = []
    private var total = 0

    init(maxMessageBytes: Int, maxTotalBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
        self.maxTotalBytes = maxTotalBytes
    }

    /// Takes the next bytes of the body and returns the messages they complete.
    mutating func append(_ chunk: ByteBuffer) throws -> [[UInt8]] {
        self.total += chunk.readableBytes
        guard self.total <= self.maxTotalBytes else {
            throw ConnectError(.resourceExhausted, "body: larger than \(self.maxTotalBytes) bytes")
        }
        self.pending.append(contentsOf: chunk.readableBytesView)
        var messages: [[UInt8]] = []
        while self.pending.count >= 5 {
            guard self.pending[0] == 0 else {
                throw ConnectError(
                    self.pending[0] & 0x01 != 0 ? .unimplemented : .invalidArgument,
                    self.pending[0] & 0x01 != 0
                        ? "body: compressed envelopes are not supported" : "body: an envelope with unknown flags"
                )
            }
            let length = self.pending[1..<5].reduce(0) { $0 << 8 | Int($1) }
            guard length <= self.maxMessageBytes else {
                throw ConnectError(.resourceExhausted, "body: a message larger than \(self.maxMessageBytes) bytes")
            }
            guard self.pending.count >= 5 + length else { break }
            messages.append(Array(self.pending[5..<(5 + length)]))
            self.pending.removeFirst(5 + length)
        }
        return messages
    }

    /// Checks that the body ended on an envelope boundary.
    func finish() throws {
        guard self.pending.isEmpty else { throw ConnectError(.invalidArgument, "body: ends inside an envelope") }
    }
}

/// A client-streaming method the bridge forwards: a Connect streaming request (envelopes until the body ends)
/// becomes one client-streaming call; the reply is one message envelope and the end-stream envelope.
protocol BridgeClientStreamMethodProtocol: Sendable {
    /// The generated descriptor of the method (`Method.X.descriptor`).
    var descriptor: MethodDescriptor { get }

    /// The generated request message type (`Method.X.Input`).
    var inputType: any SwiftProtobuf.Message.Type { get }

    /// The generated response message type (`Method.X.Output`).
    var outputType: any SwiftProtobuf.Message.Type { get }

    func forward<Transport: ClientTransport>(
        body: RequestBody,
        reader: ConnectEnvelopeReader,
        codec: ConnectCodec,
        metadata: Metadata,
        options: CallOptions,
        client: GRPCClient<Transport>
    ) async -> ResponseBody
}

struct BridgeClientStreamMethod<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>:
    BridgeClientStreamMethodProtocol
{
    let descriptor: MethodDescriptor
    var inputType: any SwiftProtobuf.Message.Type { Input.self }
    var outputType: any SwiftProtobuf.Message.Type { Output.self }

    init(_ descriptor: MethodDescriptor, input: Input.Type, output: Output.Type) {
        self.descriptor = descriptor
    }

    func forward<Transport: ClientTransport>(
        body: RequestBody,
        reader: ConnectEnvelopeReader,
        codec: ConnectCodec,
        metadata: Metadata,
        options: CallOptions,
        client: GRPCClient<Transport>
    ) async -> ResponseBody {
        // A refusal while reading the body is what the browser must hear, not the cancelled call it causes.
        let refusal = Mutex<ConnectError?>(nil)
        let request = StreamingClientRequest<Input>(metadata: metadata) { writer in
            var reader = reader
            do {
                for try await chunk in body {
                    for message in try reader.append(chunk) {
                        try await writer.write(try BridgeMethod<Input, Output>.decode(message, codec: codec))
                    }
                }
                try reader.finish()
            } catch let error as ConnectError {
                refusal.withLock { $0 = error }
                throw error
            }
        }
        var buffer = ByteBuffer()
        do {
            let reply = try await client.clientStreaming(
                request: request,
                descriptor: self.descriptor,
                serializer: ProtobufSerializer<Input>(),
                deserializer: ProtobufDeserializer<Output>(),
                options: options
            ) { response in
                try response.message
            }
            let bytes: [UInt8] = codec == .json ? try reply.jsonUTF8Bytes() : try reply.serializedBytes()
            buffer.writeImmutableBuffer(ConnectStreamCodec.envelope(flags: 0, bytes))
            buffer.writeImmutableBuffer(ConnectStreamCodec.endStream(nil))
        } catch {
            let failure =
                refusal.withLock { $0 }
                ?? (error as? RPCError).map(ConnectError.init) ?? ConnectError(.internal, "internal error")
            buffer.writeImmutableBuffer(ConnectStreamCodec.endStream(failure))
        }
        return ResponseBody(byteBuffer: buffer)
    }
}

/// The client-streaming methods bridged, by full name.
///
/// ``souk`` is generated from the .proto files by `scripts/generate-bridge-methods`, in
/// `Generated/BridgeMethods+Generated.swift`.
enum BridgeClientStreamMethods {}
