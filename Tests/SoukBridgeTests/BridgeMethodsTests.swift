import Foundation
import GRPCCore
import SwiftProtobuf
import Testing

// @testable: the streaming tables and their entry protocols are internal (their requirements take Hummingbird
// bodies and the internal envelope reader), and widening them to `package` only for this test is not worth it.
@testable import SoukBridge

@Suite("The bridge's method tables")
struct BridgeMethodsTests {
    /// One `rpc` read from a .proto file.
    struct ProtoMethod: Hashable, CustomStringConvertible {
        /// `package.Service/Method`.
        let name: String
        let input: String
        let output: String
        let isClientStreaming: Bool
        let isServerStreaming: Bool

        var description: String { self.name }
    }

    /// The bridged services' methods, read from `Protos/souk` on disk.
    static let protoMethods: [ProtoMethod] = Self.readProtos()

    static var unary: Set<String> {
        Set(Self.protoMethods.filter { !$0.isClientStreaming && !$0.isServerStreaming }.map(\.name))
    }
    static var serverStreaming: Set<String> {
        Set(Self.protoMethods.filter { !$0.isClientStreaming && $0.isServerStreaming }.map(\.name))
    }
    static var clientStreaming: Set<String> {
        Set(Self.protoMethods.filter { $0.isClientStreaming && !$0.isServerStreaming }.map(\.name))
    }
    static var bidirectional: Set<String> {
        Set(Self.protoMethods.filter { $0.isClientStreaming && $0.isServerStreaming }.map(\.name))
    }

    @Test("each table holds exactly the rpcs of its kind in the bridged services' .proto files")
    func tablesMatchProtos() throws {
        // Guards the parser: the services every browser needs are found.
        try #require(Self.unary.contains("souk.identity.v1.IdentityService/Login"))
        try #require(Self.serverStreaming.contains("souk.catalog.v1.OrderService/WatchOrders"))
        try #require(Self.clientStreaming.contains("souk.catalog.v1.CatalogService/ImportProducts"))

        let unary = Set(BridgeMethods.souk.byName.keys)
        let server = Set(BridgeStreamMethods.souk.keys)
        let client = Set(BridgeClientStreamMethods.souk.keys)
        #expect(unary == Self.unary, "unary: \(Self.difference(unary, Self.unary))")
        #expect(server == Self.serverStreaming, "server-streaming: \(Self.difference(server, Self.serverStreaming))")
        #expect(client == Self.clientStreaming, "client-streaming: \(Self.difference(client, Self.clientStreaming))")
        // Connect over HTTP/1.1 cannot stream both ways, so bidirectional methods are in no table.
        #expect(Self.bidirectional.intersection(unary.union(server).union(client)).isEmpty)
    }

    @Test("every entry is found under its own name with the .proto's message types")
    func entriesMatchTheirNames() throws {
        for method in Self.protoMethods where !(method.isClientStreaming && method.isServerStreaming) {
            let entry: (descriptor: MethodDescriptor, input: any Message.Type, output: any Message.Type)
            switch (method.isClientStreaming, method.isServerStreaming) {
            case (false, false):
                let found = try #require(BridgeMethods.souk[method.name], "\(method) is not in the unary table")
                entry = (found.descriptor, found.inputType, found.outputType)
            case (false, true):
                let found = try #require(BridgeStreamMethods.souk[method.name], "\(method) is not in the stream table")
                entry = (found.descriptor, found.inputType, found.outputType)
            default:
                let found = try #require(
                    BridgeClientStreamMethods.souk[method.name],
                    "\(method) is not in the client-stream table"
                )
                entry = (found.descriptor, found.inputType, found.outputType)
            }
            #expect(entry.descriptor.fullyQualifiedMethod == method.name)
            #expect(!entry.input.protoMessageName.isEmpty)
            #expect(!entry.output.protoMessageName.isEmpty)
            #expect(entry.input.protoMessageName == method.input, "\(method)'s input")
            #expect(entry.output.protoMessageName == method.output, "\(method)'s output")
        }
        for (name, method) in BridgeMethods.souk.byName {
            #expect(method.descriptor.fullyQualifiedMethod == name)
        }
        for (name, method) in BridgeStreamMethods.souk {
            #expect(method.descriptor.fullyQualifiedMethod == name)
        }
        for (name, method) in BridgeClientStreamMethods.souk {
            #expect(method.descriptor.fullyQualifiedMethod == name)
        }
    }

    @Test(
        "an unknown or unbridged name is in no table",
        arguments: [
            "",
            "souk.catalog.v1.CatalogService/NoSuchMethod",
            "souk.catalog.v1.NoSuchService/GetProduct",
            "/souk.catalog.v1.CatalogService/GetProduct",
            "souk.catalog.v1.CatalogService.GetProduct",
            "souk.catalog.v1.catalogservice/getproduct",
            "souk.testing.v1.TestService/UnaryCall",
            "souk.testing.v1.TestService/StreamingOutputCall",
            "souk.testing.v1.TestService/StreamingInputCall",
            "souk.testing.v1.TestService/FullDuplexCall",
            "grpc.health.v1.Health/Check",
            "grpc.health.v1.Health/Watch",
        ]
    )
    func unknownNames(name: String) {
        #expect(BridgeMethods.souk[name] == nil)
        #expect(BridgeStreamMethods.souk[name] == nil)
        #expect(BridgeClientStreamMethods.souk[name] == nil)
    }

    @Test("a method is in the table of its kind only")
    func kindsAreSeparate() {
        for name in Self.unary {
            #expect(BridgeStreamMethods.souk[name] == nil && BridgeClientStreamMethods.souk[name] == nil)
        }
        for name in Self.serverStreaming.union(Self.clientStreaming) {
            #expect(BridgeMethods.souk[name] == nil)
        }
    }

    /// What a table lacks and has too many, compared with the .proto files.
    static func difference(_ table: Set<String>, _ protos: Set<String>) -> String {
        "missing \(protos.subtracting(table).sorted()), extra \(table.subtracting(protos).sorted()); "
            + "run scripts/generate (or scripts/generate-bridge-methods) and commit the result"
    }

    /// Whether a proto package's services are bridged: the rule of `scripts/generate-bridge-methods`
    /// (`is_bridged`), every `souk.*` package except `souk.testing` and `souk.wire`.
    static func isBridged(package protoPackage: String) -> Bool {
        let parts = protoPackage.split(separator: ".")
        return parts.count >= 2 && parts[0] == "souk" && !["testing", "wire"].contains(parts[1])
    }

    /// Every `rpc` of the bridged services in the .proto files under `Protos/souk`, with a line parser: `rpc` lines
    /// only occur inside `service` blocks, so each belongs to the last `service` seen.
    static func readProtos() -> [ProtoMethod] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let protos = root.appendingPathComponent("Protos/souk")
        guard let files = FileManager.default.enumerator(at: protos, includingPropertiesForKeys: nil) else {
            return []
        }
        var methods: [ProtoMethod] = []
        for case let file as URL in files where file.pathExtension == "proto" {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            var protoPackage = ""
            var service = ""
            for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = String(rawLine.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false)[0])
                let words = line.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ")
                    .replacingOccurrences(of: ";", with: " ").replacingOccurrences(of: "{", with: " ")
                    .split(whereSeparator: \.isWhitespace).map(String.init)
                guard let keyword = words.first else { continue }
                switch keyword {
                case "package" where words.count >= 2:
                    protoPackage = words[1]
                case "service" where words.count >= 2:
                    service = words[1]
                case "rpc" where words.count >= 2 && Self.isBridged(package: protoPackage):
                    // rpc Name ( [stream] Input ) returns ( [stream] Output )
                    var rest = Array(words.dropFirst(2))
                    let isClientStreaming = rest.first == "stream"
                    if isClientStreaming { rest.removeFirst() }
                    let input = rest.first ?? ""
                    rest = Array(rest.drop { $0 != "returns" }.dropFirst())
                    let isServerStreaming = rest.first == "stream"
                    if isServerStreaming { rest.removeFirst() }
                    let output = rest.first ?? ""
                    methods.append(
                        ProtoMethod(
                            name: "\(protoPackage).\(service)/\(words[1])",
                            input: Self.qualified(input, in: protoPackage),
                            output: Self.qualified(output, in: protoPackage),
                            isClientStreaming: isClientStreaming,
                            isServerStreaming: isServerStreaming
                        )
                    )
                default:
                    continue
                }
            }
        }
        return methods
    }

    /// A message type's full name: `souk.catalog.v1.Product` for `Product` in `souk.catalog.v1`.
    static func qualified(_ type: String, in protoPackage: String) -> String {
        if type.hasPrefix(".") { return String(type.dropFirst()) }
        return type.contains(".") ? type : "\(protoPackage).\(type)"
    }
}
