package import GRPCCore
import GRPCProtobuf
package import SwiftProtobuf

/// One unary method the bridge forwards: it decodes the body, calls the service, and encodes the reply.
package protocol BridgeMethodProtocol: Sendable {
    /// The generated descriptor of the method (`Method.X.descriptor`).
    var descriptor: MethodDescriptor { get }

    /// The generated request message type (`Method.X.Input`).
    var inputType: any SwiftProtobuf.Message.Type { get }

    /// The generated response message type (`Method.X.Output`).
    var outputType: any SwiftProtobuf.Message.Type { get }

    /// Decodes `body` in `codec`, calls the method through `client`, and returns the reply in `codec`.
    ///
    /// - Throws: ``ConnectError`` (invalid_argument) for a body that does not decode, before anything is
    ///   sent; the `RPCError` of a failed call.
    func forward<Transport: ClientTransport>(
        body: [UInt8],
        codec: ConnectCodec,
        metadata: Metadata,
        options: CallOptions,
        client: GRPCClient<Transport>
    ) async throws -> [UInt8]
}

/// A unary method with its generated message types, e.g. with `M = Souk_Catalog_V1_CatalogService.Method.GetProduct`:
/// `BridgeMethod(descriptor: M.descriptor, input: M.Input.self, output: M.Output.self)`.
package struct BridgeMethod<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>: BridgeMethodProtocol {
    package let descriptor: MethodDescriptor
    package var inputType: any SwiftProtobuf.Message.Type { Input.self }
    package var outputType: any SwiftProtobuf.Message.Type { Output.self }

    /// The method described by `descriptor`, taking `Input` and returning `Output`.
    package init(descriptor: MethodDescriptor, input: Input.Type = Input.self, output: Output.Type = Output.self) {
        self.descriptor = descriptor
    }

    package func forward<Transport: ClientTransport>(
        body: [UInt8],
        codec: ConnectCodec,
        metadata: Metadata,
        options: CallOptions,
        client: GRPCClient<Transport>
    ) async throws -> [UInt8] {
        let input = try Self.decode(body, codec: codec)
        let output = try await client.unary(
            request: ClientRequest(message: input, metadata: metadata),
            descriptor: self.descriptor,
            serializer: ProtobufSerializer<Input>(),
            deserializer: ProtobufDeserializer<Output>(),
            options: options
        ) { response in
            try response.message
        }
        switch codec {
        case .json: return try output.jsonUTF8Bytes()
        case .proto: return try output.serializedBytes()
        }
    }

    /// Decodes a request body; unknown JSON fields are rejected (SwiftProtobuf's default).
    static func decode(_ body: [UInt8], codec: ConnectCodec) throws -> Input {
        do {
            switch codec {
            case .json:
                // An empty body is the empty message, as Connect clients may send nothing for it.
                return body.isEmpty ? Input() : try Input(jsonUTF8Bytes: body)
            case .proto:
                return try Input(serializedBytes: body)
            }
        } catch let error as JSONDecodingError {
            throw ConnectError(.invalidArgument, "body: not a valid \(Input.protoMessageName) in JSON (\(error))")
        } catch {
            throw ConnectError(.invalidArgument, "body: not a valid \(Input.protoMessageName) in binary protobuf")
        }
    }
}
