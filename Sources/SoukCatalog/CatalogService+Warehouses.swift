package import GRPCCore
package import SoukAPI

/// The warehouses stock is kept in: listed for those who read stock, created and changed by those who set it.
extension CatalogService {
    package func listWarehouses(
        request: Souk_Catalog_V1_ListWarehousesRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_ListWarehousesResponse {
        var response = Souk_Catalog_V1_ListWarehousesResponse()
        response.warehouses = try await self.store.warehouses().map(\.message)
        return response
    }

    package func createWarehouse(
        request: Souk_Catalog_V1_CreateWarehouseRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Warehouse {
        try WarehouseValidation.code(request.code)
        let record = WarehouseRecord(
            code: request.code,
            name: try WarehouseValidation.name(request.name),
            address: try WarehouseValidation.address(request.address),
            isActive: true
        )
        try await self.store.insertWarehouse(record)
        return record.message
    }

    package func updateWarehouse(
        request: Souk_Catalog_V1_UpdateWarehouseRequest,
        context: ServerContext
    ) async throws -> Souk_Catalog_V1_Warehouse {
        try WarehouseValidation.code(request.code)
        let name = request.hasName ? try WarehouseValidation.name(request.name) : nil
        let address = request.hasAddress ? try WarehouseValidation.address(request.address) : nil
        guard
            let record = try await self.store.updateWarehouse(
                code: request.code,
                name: name,
                address: address,
                isActive: request.hasActive ? request.active : nil
            )
        else { throw CatalogError.notFound("code: no warehouse \(request.code.prefix(41))") }
        return record.message
    }
}
