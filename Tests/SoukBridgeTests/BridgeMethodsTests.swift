import GRPCCore
import SoukAPI
import SoukBridge
import Testing

@Suite("The bridge's method registry")
struct BridgeMethodsTests {
    static let services: [[MethodDescriptor]] = [
        Souk_Identity_V1_IdentityService.Method.descriptors,
        Souk_Catalog_V1_CatalogService.Method.descriptors,
        Souk_Catalog_V1_OrderService.Method.descriptors,
    ]

    @Test("every unary method of identity, catalog and orders is bridged, and nothing else")
    func complete() {
        let generated = Self.services.flatMap { $0 }
        let unary = Set(generated.filter { $0.type == .unary }.map(\.fullyQualifiedMethod))
        let bridged = Set(BridgeMethods.souk.byName.keys)
        #expect(unary.subtracting(bridged).isEmpty, "missing from the registry: \(unary.subtracting(bridged).sorted())")
        #expect(bridged.subtracting(unary).isEmpty, "not unary methods: \(bridged.subtracting(unary).sorted())")
        for (name, method) in BridgeMethods.souk.byName {
            #expect(method.descriptor.fullyQualifiedMethod == name)
        }
    }

    @Test("no streaming method is in the unary table")
    func streamingLeftOut() {
        let streaming = Self.services.flatMap { $0 }.filter { $0.type != .unary }.map(\.fullyQualifiedMethod)
        #expect(
            Set(streaming) == [
                "souk.catalog.v1.CatalogService/ImportProducts",
                "souk.catalog.v1.OrderService/WatchOrders",
                "souk.catalog.v1.OrderService/StreamEvents",
            ]
        )
        for name in streaming {
            #expect(BridgeMethods.souk[name] == nil)
        }
    }
}
