import Foundation
import GRPCCore
import GRPCProtobuf
import SoukAPI
import SoukBridge
import SwiftProtobuf
import TestSupport
import Testing

/// Text a caller sends with a NUL character is refused where it enters, by field, on every request the bridge
/// forwards (each unary method of every service): never an UNKNOWN with no message from PostgreSQL.
@Suite("Hostile text in any request's string field: a NUL character, or 100 KB")
struct RequestTextTests {
    /// The top-level string fields of `type`, by number and proto name: each field number whose value "a\0b"
    /// decodes as text (bytes fields come out in base64, message fields do not decode).
    static func stringFields(of type: any SwiftProtobuf.Message.Type) -> [(number: Int, name: String)] {
        func fields<M: SwiftProtobuf.Message>(_ type: M.Type) -> [(number: Int, name: String)] {
            (1...40).compactMap { number in
                guard let message = try? M(serializedBytes: Self.nulField(number)),
                    let json = try? message.jsonString(),
                    json.contains("\\u0000")
                else { return nil }
                let name = message.textFormatString().prefix { $0 != ":" }
                return (number, String(name))
            }
        }
        return fields(type)
    }

    /// Field `number`, length-delimited, holding `value` (by default `a`, NUL, `b`).
    static func nulField(_ number: Int, value: [UInt8] = [0x61, 0x00, 0x62]) -> [UInt8] {
        var bytes: [UInt8] = []
        var tag = UInt64(number) << 3 | 2
        while tag >= 0x80 {
            bytes.append(UInt8(tag & 0x7F) | 0x80)
            tag >>= 7
        }
        bytes.append(UInt8(tag))
        var length = UInt64(value.count)
        while length >= 0x80 {
            bytes.append(UInt8(length & 0x7F) | 0x80)
            length >>= 7
        }
        bytes.append(UInt8(length))
        return bytes + value
    }

    /// Calls `descriptor` with a request of `type` whose field `number` holds a NUL; the error it answers, or nil.
    static func call(
        _ type: any SwiftProtobuf.Message.Type,
        field number: Int,
        value: [UInt8] = [0x61, 0x00, 0x62],
        descriptor: MethodDescriptor,
        client: GRPCClient<some ClientTransport>,
        metadata: Metadata
    ) async -> RPCError? {
        func call<M: SwiftProtobuf.Message>(_ type: M.Type) async -> RPCError? {
            do {
                let request = try M(serializedBytes: Self.nulField(number, value: value))
                try await client.unary(
                    request: ClientRequest(message: request, metadata: metadata),
                    descriptor: descriptor,
                    serializer: ProtobufSerializer<M>(),
                    // Any answer decodes as Empty (its fields are unknown fields); none is expected.
                    deserializer: ProtobufDeserializer<Google_Protobuf_Empty>(),
                    options: .defaults
                ) { _ = try $0.message }
                return nil
            } catch let error as RPCError {
                return error
            } catch {
                return RPCError(code: .unknown, message: "not an RPCError: \(error)")
            }
        }
        return await call(type)
    }

    @Test("every string field of every forwarded request: INVALID_ARGUMENT naming the field, never UNKNOWN")
    func everyStringField() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let customer = IdentityHarness.bearer(try await harness.customer(email: "nul@shop.example").accessToken)
            var checked = 0
            for (name, method) in BridgeMethods.souk.byName.sorted(by: { $0.key < $1.key }) {
                for field in Self.stringFields(of: method.inputType) {
                    var error = await Self.call(
                        method.inputType,
                        field: field.number,
                        descriptor: method.descriptor,
                        client: harness.client,
                        metadata: admin
                    )
                    if error?.code == .permissionDenied {
                        // A customer's own method (a cart, their orders): asked as the customer.
                        error = await Self.call(
                            method.inputType,
                            field: field.number,
                            descriptor: method.descriptor,
                            client: harness.client,
                            metadata: customer
                        )
                    }
                    #expect(error?.code == .invalidArgument, "\(name) \(field.name): \(String(describing: error))")
                    #expect(error?.message.hasPrefix(field.name) == true, "\(name): \(error?.message ?? "")")
                    checked += 1
                }
            }
            // Dozens of methods take text: a walk that found none would prove nothing.
            #expect(checked > 50, "\(checked) fields")
        }
    }

    @Test(
        "every string field of every forwarded request, 100 KB long: a precise error quoting a short prefix at most, never UNKNOWN"
    )
    func everyStringFieldTooLong() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let customer = IdentityHarness.bearer(try await harness.customer(email: "long@shop.example").accessToken)
            let long = Array(repeating: UInt8(ascii: "a"), count: 100_000)
            var checked = 0
            for (name, method) in BridgeMethods.souk.byName.sorted(by: { $0.key < $1.key }) {
                for field in Self.stringFields(of: method.inputType) {
                    var outcome: RPCError?
                    for metadata in [admin, customer] {
                        outcome = await Self.call(
                            method.inputType,
                            field: field.number,
                            value: long,
                            descriptor: method.descriptor,
                            client: harness.client,
                            metadata: metadata
                        )
                        if outcome?.code != .permissionDenied { break }
                    }
                    guard let error = outcome else { continue }
                    #expect(
                        error.code != .unknown && error.code != .internalError,
                        "\(name) \(field.name): \(error.code)"
                    )
                    #expect(!error.message.isEmpty, "\(name) \(field.name)")
                    #expect(error.message.utf8.count < 400, "\(name) \(field.name): \(error.message.prefix(120))")
                    checked += 1
                }
            }
            #expect(checked > 50, "\(checked) fields")
        }
    }

    @Test("a NUL nested in a message or a list is named by its path")
    func nestedPaths() async throws {
        try await IdentityHarness.with(wire: .swp) { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var product = Souk_Catalog_V1_CreateProductRequest()
            product.title = "Kettle"
            var first = Souk_Catalog_V1_Sku()
            first.code = "KETTLE-1"
            var second = Souk_Catalog_V1_Sku()
            second.code = "KETTLE\u{0}2"
            product.skus = [first, second]
            let error = await #expect(throws: RPCError.self) {
                _ = try await harness.catalog.createProduct(product, metadata: admin)
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "skus[1].code: must not contain a NUL character")
        }
    }
}
