import GRPCCore
import SoukAPI
import TestSupport
import Testing

@Suite("Warehouses: listed for those who read stock, created and changed by those who set it, with addresses")
struct WarehouseTests {
    static func address(city: String = "Kazan", country: String = "RU") -> Souk_Identity_V1_Address {
        var address = Souk_Identity_V1_Address()
        address.recipient = "Souk dispatch"
        address.line1 = "ul. Tukaya, 1"
        address.city = city
        address.postalCode = "420021"
        address.country = country
        address.region = "Respublika Tatarstan"
        address.phone = "+7 843 123-45-67"
        return address
    }

    static func create(_ code: String, name: String = "Kazan") -> Souk_Catalog_V1_CreateWarehouseRequest {
        var request = Souk_Catalog_V1_CreateWarehouseRequest()
        request.code = code
        request.name = name
        request.address = Self.address()
        return request
    }

    @Test("the two seeded warehouses have their addresses")
    func seeded() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let list = try await harness.catalog.listWarehouses(.init(), metadata: admin).warehouses
            #expect(list.map(\.code) == ["MSK-1", "SPB-1"])
            #expect(list.allSatisfy { $0.active })
            #expect(list.map(\.address.city) == ["Moscow", "Saint Petersburg"])
            #expect(list.map(\.address.region) == ["Moscow", "Saint Petersburg"])
            #expect(list.map(\.address.postalCode) == ["101000", "190000"])
            #expect(list.map(\.address.country) == ["RU", "RU"])
            #expect(list.allSatisfy { !$0.address.line1.isEmpty })
        }
    }

    @Test("create, list, change name, address and activity; duplicates and unknown codes are named")
    func crud() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let created = try await harness.catalog.createWarehouse(
                Self.create("KZN-1", name: "  Kazan  "),
                metadata: admin
            )
            #expect(created.code == "KZN-1" && created.name == "Kazan" && created.active)
            #expect(created.address == Self.address())
            #expect(
                try await harness.catalog.listWarehouses(.init(), metadata: admin).warehouses.map(\.code) == [
                    "KZN-1", "MSK-1", "SPB-1",
                ]
            )

            let duplicate = await rpcError {
                _ = try await harness.catalog.createWarehouse(Self.create("MSK-1"), metadata: admin)
            }
            #expect(duplicate?.code == .alreadyExists)
            #expect(duplicate?.message == "code: a warehouse MSK-1 already exists")

            var update = Souk_Catalog_V1_UpdateWarehouseRequest()
            update.code = "KZN-1"
            update.name = "Kazan north"
            var renamed = created
            renamed.name = "Kazan north"
            #expect(try await harness.catalog.updateWarehouse(update, metadata: admin) == renamed, "only the name")

            update = .init()
            update.code = "KZN-1"
            update.address = Self.address(city: "Innopolis")
            update.active = false
            let moved = try await harness.catalog.updateWarehouse(update, metadata: admin)
            #expect(moved.name == "Kazan north" && moved.address.city == "Innopolis" && !moved.active)
            #expect(
                try await harness.catalog.listWarehouses(.init(), metadata: admin).warehouses.first {
                    $0.code == "KZN-1"
                }
                    == moved
            )

            update = .init()
            update.code = "NOWHERE-9"
            update.name = "Ghost"
            let unknown = await rpcError { _ = try await harness.catalog.updateWarehouse(update, metadata: admin) }
            #expect(unknown?.code == .notFound)
            #expect(unknown?.message == "code: no warehouse NOWHERE-9")
        }
    }

    @Test(
        "bad fields are INVALID_ARGUMENT naming the field, and nothing is written",
        arguments: [
            ("code", "k", "code"), ("code", "msk-2", "code"), ("code", "ABCDEFGHIJKLMNOPQ", "code"),
            ("code", "KZN 1", "code"), ("name", "   ", "name"), ("name", String(repeating: "n", count: 101), "name"),
            ("name", "Kazan\u{0}", "name"), ("country", "ru", "address.country"),
            ("country", "RUS", "address.country"), ("country", "", "address.country"), ("city", "", "address.city"),
            ("line1", "ul.\u{0} Tukaya", "address.line1"),
            ("line2", String(repeating: "x", count: 201), "address.line2"),
            ("postal_code", String(repeating: "1", count: 21), "address.postal_code"),
            ("region", String(repeating: "r", count: 201), "address.region"),
            ("recipient", "Desk\u{7}", "address.recipient"), ("phone", "call the desk", "address.phone"),
            ("phone", String(repeating: "1", count: 41), "address.phone"),
        ]
    )
    func validation(key: String, value: String, field: String) async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            var request = Self.create("KZN-1")
            switch key {
            case "code": request.code = value
            case "name": request.name = value
            case "country": request.address.country = value
            case "city": request.address.city = value
            case "line1": request.address.line1 = value
            case "line2": request.address.line2 = value
            case "postal_code": request.address.postalCode = value
            case "region": request.address.region = value
            case "recipient": request.address.recipient = value
            default: request.address.phone = value
            }
            let error = await rpcError { _ = try await harness.catalog.createWarehouse(request, metadata: admin) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.hasPrefix(field + ":") == true, "\(String(describing: error))")
            #expect(try await harness.catalog.listWarehouses(.init(), metadata: admin).warehouses.count == 2)

            // The same rules on update, where the seeded warehouse keeps what it had.
            guard field.hasPrefix("address.") || field == "name" else { return }
            var update = Souk_Catalog_V1_UpdateWarehouseRequest()
            update.code = "MSK-1"
            if field == "name" { update.name = request.name } else { update.address = request.address }
            let before = try await harness.catalog.listWarehouses(.init(), metadata: admin).warehouses
            let refused = await rpcError { _ = try await harness.catalog.updateWarehouse(update, metadata: admin) }
            #expect(refused?.code == .invalidArgument)
            #expect(refused?.message.hasPrefix(field + ":") == true, "\(String(describing: error))")
            #expect(try await harness.catalog.listWarehouses(.init(), metadata: admin).warehouses == before)
        }
    }

    @Test("customers and anonymous callers may neither list nor change warehouses")
    func denied() async throws {
        try await IdentityHarness.with { harness in
            let customer = IdentityHarness.bearer(try await harness.customer(email: "ann@example.com").accessToken)
            let list = await rpcError { _ = try await harness.catalog.listWarehouses(.init(), metadata: customer) }
            #expect(list?.code == .permissionDenied)
            let create = await rpcError {
                _ = try await harness.catalog.createWarehouse(Self.create("KZN-1"), metadata: customer)
            }
            #expect(create?.code == .permissionDenied)
            var update = Souk_Catalog_V1_UpdateWarehouseRequest()
            update.code = "MSK-1"
            update.active = false
            let change = await rpcError { _ = try await harness.catalog.updateWarehouse(update, metadata: customer) }
            #expect(change?.code == .permissionDenied)
            let anonymous = await rpcError { _ = try await harness.catalog.listWarehouses(.init()) }
            #expect(anonymous?.code == .unauthenticated || anonymous?.code == .permissionDenied)
        }
    }

    @Test("an inactive warehouse keeps its stock but no new reservation takes units from it")
    func inactiveTakesNoReservations() async throws {
        try await IdentityHarness.with { harness in
            let admin = IdentityHarness.bearer(try await harness.admin().accessToken)
            let sku = try await InventoryTests.stocked(harness, admin: admin, units: 10)
            var spb = Souk_Catalog_V1_SetStockRequest()
            spb.sku = sku
            spb.warehouse = "SPB-1"
            spb.onHand = 3
            _ = try await harness.catalog.setStock(spb, metadata: admin)
            var off = Souk_Catalog_V1_UpdateWarehouseRequest()
            off.code = "MSK-1"
            off.active = false
            _ = try await harness.catalog.updateWarehouse(off, metadata: admin)

            var reserve = Souk_Catalog_V1_ReserveStockRequest()
            reserve.sku = sku
            reserve.quantity = 2
            #expect(try await harness.catalog.reserveStock(reserve, metadata: admin).warehouse == "SPB-1")
            reserve.quantity = 5
            let short = await rpcError { _ = try await harness.catalog.reserveStock(reserve, metadata: admin) }
            #expect(short?.code == .failedPrecondition, "MSK-1's 10 units are not offered")
            var get = Souk_Catalog_V1_GetStockRequest()
            get.sku = sku
            let levels = try await harness.catalog.getStock(get, metadata: admin).levels
            #expect(levels.first { $0.warehouse == "MSK-1" }?.onHand == 10, "its stock stays")

            off.active = true
            _ = try await harness.catalog.updateWarehouse(off, metadata: admin)
            #expect(try await harness.catalog.reserveStock(reserve, metadata: admin).warehouse == "MSK-1")
        }
    }
}
