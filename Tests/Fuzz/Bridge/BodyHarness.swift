import GRPCInProcessTransport
import Hummingbird
import SoukAPI
import SwiftProtobuf

@testable import SoukBridge

/// A request body decoded as a bridged method's input, and the content types and session cookie of a request.
enum BodyHarness {
    /// Every bridged method (unary, server- and client-streaming) and its input type, by full name.
    static let methods: [(name: String, input: any SwiftProtobuf.Message.Type)] = {
        var all = BridgeMethods.souk.byName.map { ($0.key, $0.value.inputType) }
        all += BridgeStreamMethods.souk.map { ($0.key, $0.value.inputType) }
        all += BridgeClientStreamMethods.souk.map { ($0.key, $0.value.inputType) }
        return all.sorted { $0.0 < $1.0 }
    }()

    /// Input: a byte choosing the method, a byte whose bit 0 chooses JSON (else binary), then the body.
    static func run(_ bytes: ArraySlice<UInt8>) {
        guard bytes.count >= 2 else { return }
        let method = Self.methods[Int(bytes[bytes.startIndex]) % Self.methods.count]
        let codec: ConnectCodec = bytes[bytes.startIndex + 1] & 1 == 1 ? .json : .proto
        Self.decode(method.input, Array(bytes.dropFirst(2)), codec: codec, method: method.name)
    }

    /// `BridgeMethod.decode` (its `Output` plays no part in decoding): a refusal is invalid_argument naming the
    /// type, and what decodes goes to the service in binary, which must read it back.
    static func decode<Input: SwiftProtobuf.Message>(
        _ type: Input.Type,
        _ body: [UInt8],
        codec: ConnectCodec,
        method: String
    ) {
        do {
            let message = try BridgeMethod<Input, Input>.decode(body, codec: codec)
            guard let forwarded: [UInt8] = try? message.serializedBytes() else {
                preconditionFailure("\(method): a decoded \(codec) body does not encode for the service")
            }
            precondition((try? Input(serializedBytes: forwarded)) != nil, "\(method): the service cannot read it")
        } catch let error as ConnectError {
            ConnectChecks.check(error, "\(method) \(codec)")
            precondition(error.code == .invalidArgument, "\(method): a body refused with \(error.code)")
            precondition(error.message.contains(Input.protoMessageName), "\(method): \(error.message)")
        } catch {
            preconditionFailure("\(method): decode threw a non-Connect error: \(error)")
        }
    }

    /// `Content-Type` (unary and streaming) and `Cookie` parsing of the input as text.
    static func runContentType(_ bytes: ArraySlice<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let codec = ConnectCodec(contentType: text) {
            precondition(ConnectCodec(contentType: codec.contentType) == codec, "\(codec) does not round-trip")
            precondition(
                text.lowercased().contains(codec.contentType),
                "\(text) read as \(codec.contentType)"
            )
        }
        if let codec = ConnectStreamCodec.codec(contentType: text) {
            let contentType = ConnectStreamCodec.contentType(codec)
            precondition(ConnectStreamCodec.codec(contentType: contentType) == codec, "\(codec) does not round-trip")
            precondition(text.lowercased().hasPrefix(contentType), "\(text) read as \(contentType)")
            precondition(ConnectCodec(contentType: text) == nil, "\(text) is both a unary and a streaming type")
        }
        let field = HTTPFields.Element(name: .cookie, lenientValue: Array(bytes))
        var fields = HTTPFields()
        fields.append(field)
        if let session = BridgeResponder<InProcessTransport.Client>.sessionCookie(fields) {
            precondition(!session.isEmpty, "an empty session cookie")
            precondition(field.value.contains("souk_session=\(session)"), "cookie \(session) not in \(field.value)")
        }
    }
}
