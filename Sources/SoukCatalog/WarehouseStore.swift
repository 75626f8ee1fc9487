import SoukAPI

/// The warehouses stock is kept in, with their addresses.
protocol WarehouseStore: Sendable {
    /// Every warehouse, by code.
    func warehouses() async throws -> [WarehouseRecord]

    /// Adds a warehouse; ALREADY_EXISTS naming `code` when the code is taken.
    func insertWarehouse(_ warehouse: WarehouseRecord) async throws

    /// Changes the fields given (nil leaves one as it is) and returns the warehouse as it is now; nil when there
    /// is no warehouse `code`.
    func updateWarehouse(
        code: String,
        name: String?,
        address: Souk_Identity_V1_Address?,
        isActive: Bool?
    ) async throws -> WarehouseRecord?
}
