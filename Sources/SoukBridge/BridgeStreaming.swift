import Foundation
import GRPCCore
import GRPCProtobuf
import Hummingbird
import NIOCore
import SwiftProtobuf

/// The Connect streaming codec: `application/connect+json` or `application/connect+proto`.
enum ConnectStreamCodec {
    /// The message codec of a streaming `Content-Type`, nil if it is not one.
    static func codec(contentType: String) -> ConnectCodec? {
        switch contentType.lowercased().split(separator: ";").first.map({ String($0) }) {
        case "application/connect+json": .json
        case "application/connect+proto": .proto
        default: nil
        }
    }

    static func contentType(_ codec: ConnectCodec) -> String {
        codec == .json ? "application/connect+json" : "application/connect+proto"
    }

    /// One envelope: flags, big-endian length, message.
    static func envelope(flags: UInt8, _ bytes: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(flags)
        buffer.writeInteger(UInt32(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }

    /// The end-stream envelope (flags 0x02): `{}` or `{"error":{"code":…,"message":…}}`.
    static func endStream(_ error: ConnectError?) -> ByteBuffer {
        struct Failure: Encodable {
            let code: String
            let message: String
        }
        struct End: Encodable {
            let error: Failure?
        }
        let end = End(error: error.map { Failure(code: $0.code.name, message: $0.message) })
        let bytes = (try? JSONEncoder().encode(end)).map { Array($0) } ?? Array("{}".utf8)
        return Self.envelope(flags: 0x02, bytes)
    }

    /// The message of a request body holding exactly one uncompressed envelope.
    static func unenvelope(_ body: [UInt8]) throws -> [UInt8] {
        guard body.count >= 5 else { throw ConnectError(.invalidArgument, "body: not one Connect envelope") }
        guard body[0] == 0 else { throw ConnectError(.unimplemented, "body: compressed envelopes are not supported") }
        let length = body[1..<5].reduce(0) { $0 << 8 | Int($1) }
        guard length == body.count - 5 else { throw ConnectError(.invalidArgument, "body: not one Connect envelope") }
        return Array(body[5...])
    }

    /// A 200 streaming response carrying only the end-stream envelope with `error`.
    static func failed(_ error: ConnectError, codec: ConnectCodec) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: Self.contentType(codec)],
            body: ResponseBody(byteBuffer: Self.endStream(error))
        )
    }
}

/// A server-streaming method the bridge forwards as a Connect stream.
protocol BridgeStreamMethodProtocol: Sendable {
    /// The generated descriptor of the method (`Method.X.descriptor`).
    var descriptor: MethodDescriptor { get }

    /// The generated request message type (`Method.X.Input`).
    var inputType: any SwiftProtobuf.Message.Type { get }

    /// The generated response message type (`Method.X.Output`).
    var outputType: any SwiftProtobuf.Message.Type { get }

    /// The streaming response: one envelope per message, then the end-stream envelope.
    func stream<Transport: ClientTransport>(
        message: [UInt8],
        codec: ConnectCodec,
        metadata: Metadata,
        options: CallOptions,
        heartbeat: Duration,
        client: GRPCClient<Transport>
    ) throws -> ResponseBody
}

struct BridgeStreamMethod<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>: BridgeStreamMethodProtocol {
    let descriptor: MethodDescriptor
    var inputType: any SwiftProtobuf.Message.Type { Input.self }
    var outputType: any SwiftProtobuf.Message.Type { Output.self }

    init(_ descriptor: MethodDescriptor, input: Input.Type, output: Output.Type) {
        self.descriptor = descriptor
    }

    func stream<Transport: ClientTransport>(
        message: [UInt8],
        codec: ConnectCodec,
        metadata: Metadata,
        options: CallOptions,
        heartbeat: Duration,
        client: GRPCClient<Transport>
    ) throws -> ResponseBody {
        let input = try BridgeMethod<Input, Output>.decode(message, codec: codec)
        let descriptor = self.descriptor
        return ResponseBody { writer in
            // Bounded: a browser that stops reading while messages keep coming loses its stream (the connection
            // is closed without an end-stream envelope, so its client reconnects) instead of growing this queue.
            let (buffers, continuation) = AsyncStream<ByteBuffer>.makeStream(
                bufferingPolicy: .bufferingOldest(BridgeStreamLimits.queuedMessages)
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var failure: ConnectError?
                    do {
                        try await client.serverStreaming(
                            request: ClientRequest(message: input, metadata: metadata),
                            descriptor: descriptor,
                            serializer: ProtobufSerializer<Input>(),
                            deserializer: ProtobufDeserializer<Output>(),
                            options: options
                        ) { response in
                            for try await message in response.messages {
                                let bytes: [UInt8] =
                                    codec == .json ? try message.jsonUTF8Bytes() : try message.serializedBytes()
                                if case .dropped = continuation.yield(ConnectStreamCodec.envelope(flags: 0, bytes)) {
                                    throw BridgeStreamLimits.SlowReader()
                                }
                            }
                        }
                    } catch let error as BridgeStreamLimits.SlowReader {
                        continuation.finish()
                        throw error
                    } catch let error as RPCError {
                        failure = ConnectError(error)
                    } catch {
                        failure = ConnectError(.internal, "internal error")
                    }
                    continuation.yield(ConnectStreamCodec.endStream(failure))
                    continuation.finish()
                }
                // The heartbeat: an empty message (the default of every field), which clients skip.
                group.addTask {
                    let empty = ConnectStreamCodec.envelope(flags: 0, codec == .json ? Array("{}".utf8) : [])
                    while true {
                        try await Task.sleep(for: heartbeat)
                        continuation.yield(empty)
                    }
                }
                // A failed write (the browser went away) ends this loop with an error, and the group cancels
                // the upstream call.
                for await buffer in buffers {
                    try await writer.write(buffer)
                }
                // The upstream call ended (it finished the stream); stop the heartbeat.
                group.cancelAll()
                while !group.isEmpty {
                    do {
                        try await group.next()
                    } catch is CancellationError {
                        continue
                    }
                }
            }
            try await writer.finish(nil)
        }
    }
}

/// How far a Connect stream may run ahead of the browser reading it.
enum BridgeStreamLimits {
    /// Messages queued toward one browser before its stream is cut.
    static let queuedMessages = 1024

    /// The browser read too slowly; its stream ends without an end-stream envelope.
    struct SlowReader: Error {}
}

/// The server-streaming methods bridged, by full name.
///
/// ``souk`` is generated from the .proto files by `scripts/generate-bridge-methods`, in
/// `Generated/BridgeMethods+Generated.swift`.
enum BridgeStreamMethods {}
