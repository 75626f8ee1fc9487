import PostgresNIO
import SoukAPI
import SoukStorage

/// Warehouses in `catalog.warehouses`: the address in plain columns (a company's, not personal data).
extension PostgresCatalogStore: WarehouseStore {
    func warehouses() async throws -> [WarehouseRecord] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT code, name, recipient, line1, line2, city, postal_code, country, region, phone, active
            FROM catalog.warehouses ORDER BY code
            """,
            logger: self.logger
        )
        var result: [WarehouseRecord] = []
        for try await row in rows {
            let (code, name, recipient, line1, line2, city, postalCode, country, region, phone, isActive) =
                try row.decode(
                    (String, String, String, String, String, String, String, String, String, String, Bool).self
                )
            var address = Souk_Identity_V1_Address()
            address.recipient = recipient
            address.line1 = line1
            address.line2 = line2
            address.city = city
            address.postalCode = postalCode
            address.country = country
            address.region = region
            address.phone = phone
            result.append(WarehouseRecord(code: code, name: name, address: address, isActive: isActive))
        }
        return result
    }

    func insertWarehouse(_ warehouse: WarehouseRecord) async throws {
        let address = warehouse.address
        do {
            try await self.client.guardedQuery(
                """
                INSERT INTO catalog.warehouses (
                    code, name, recipient, line1, line2, city, postal_code, country, region, phone, active
                ) VALUES (
                    \(warehouse.code), \(warehouse.name), \(address.recipient), \(address.line1), \(address.line2),
                    \(address.city), \(address.postalCode), \(address.country), \(address.region), \(address.phone),
                    \(warehouse.isActive)
                )
                """,
                logger: self.logger
            )
        } catch let error where SQLState(of: error) == .uniqueViolation {
            throw CatalogError.alreadyExists("code: a warehouse \(warehouse.code) already exists")
        }
    }

    func updateWarehouse(
        code: String,
        name: String?,
        address: Souk_Identity_V1_Address?,
        isActive: Bool?
    ) async throws -> WarehouseRecord? {
        // Opening or closing a warehouse changes which SKUs are in stock.
        defer { if isActive != nil { self.productCache.invalidateAll() } }
        // One statement: a nil field keeps its column, so nothing is half-written.
        let rows = try await self.client.guardedQuery(
            """
            UPDATE catalog.warehouses SET
                name = coalesce(\(name)::text, name),
                recipient = coalesce(\(address?.recipient)::text, recipient),
                line1 = coalesce(\(address?.line1)::text, line1),
                line2 = coalesce(\(address?.line2)::text, line2),
                city = coalesce(\(address?.city)::text, city),
                postal_code = coalesce(\(address?.postalCode)::text, postal_code),
                country = coalesce(\(address?.country)::text, country),
                region = coalesce(\(address?.region)::text, region),
                phone = coalesce(\(address?.phone)::text, phone),
                active = coalesce(\(isActive)::boolean, active)
            WHERE code = \(code)
            RETURNING code
            """,
            logger: self.logger
        )
        guard rows.rows.count == 1 else { return nil }
        return try await self.warehouses().first { $0.code == code }
    }
}
