import GRPCCore

/// The methods the bridge forwards, by path (`/souk.catalog.v1.CatalogService/GetProduct`).
///
/// ``souk`` holds every unary method of the bridged services, built from the generated `Method.X` types in
/// `Generated/BridgeMethods+Generated.swift`, which `scripts/generate-bridge-methods` writes from the .proto files
/// (that script decides which services are bridged). Server-streaming methods are in `BridgeStreamMethods`,
/// client-streaming ones in `BridgeClientStreamMethods`, generated alike. A test compares the three tables with the
/// `rpc`s in `Protos/souk`.
package struct BridgeMethods: Sendable {
    /// The entries by full method name, `package.Service/Method`.
    package let byName: [String: any BridgeMethodProtocol]

    /// A registry of `methods`.
    package init(_ methods: [any BridgeMethodProtocol]) {
        var byName: [String: any BridgeMethodProtocol] = [:]
        for method in methods {
            byName[method.descriptor.fullyQualifiedMethod] = method
        }
        self.byName = byName
    }

    /// The method at `name` (`package.Service/Method`), if bridged.
    package subscript(name: String) -> (any BridgeMethodProtocol)? {
        self.byName[name]
    }
}
