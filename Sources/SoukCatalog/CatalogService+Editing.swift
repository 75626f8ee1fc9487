import Foundation
package import GRPCCore
package import SoukAPI

extension CatalogService {
    package func updateProduct(
        request: Souk_Catalog_V1_UpdateProductRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Product {
        throw RPCError(code: .unimplemented, message: "UpdateProduct is being built")
    }

    package func importProducts(
        request: RPCAsyncSequence<Souk_Catalog_V1_ImportProductsRequest, any Error>,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ImportProductsResponse {
        throw RPCError(code: .unimplemented, message: "ImportProducts is being built")
    }
}
