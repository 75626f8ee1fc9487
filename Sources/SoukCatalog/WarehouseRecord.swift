import SoukAPI

/// A warehouse as stored: its code, name, address and whether it takes new reservations.
struct WarehouseRecord: Sendable, Equatable {
    var code: String
    var name: String
    var address: Souk_Identity_V1_Address
    var isActive: Bool

    /// The warehouse as the API shows it.
    var message: Souk_Catalog_V1_Warehouse {
        var message = Souk_Catalog_V1_Warehouse()
        message.code = self.code
        message.name = self.name
        message.address = self.address
        message.active = self.isActive
        return message
    }
}
