import ArgumentParser
import SoukAPI
import SoukCtlKit

/// `soukctl warehouses list|create|update`: where stock is kept and parcels leave from.
struct Warehouses: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, create and change warehouses and their addresses (staff, admins).",
        subcommands: [List.self, Create.self, Update.self]
    )

    /// The address flags `create` and `update` share; a flag left out is not sent (create) or kept (update).
    struct AddressOptions: ParsableArguments {
        @Option(help: "Country, ISO 3166-1 alpha-2, e.g. RU.") var country: String?
        @Option(help: "City.") var city: String?
        @Option(help: "Region, state or oblast, e.g. Moscow.") var region: String?
        @Option(help: "Postal code, e.g. 101000.") var postalCode: String?
        @Option(help: "Street and building.") var line1: String?
        @Option(help: "Floor, gate, unit.") var line2: String?
        @Option(help: "Who receives and hands over parcels, e.g. Souk dispatch.") var recipient: String?
        @Option(help: "The dispatch desk's phone, e.g. +7 495 123-45-67.") var phone: String?

        var isEmpty: Bool {
            [self.country, self.city, self.region, self.postalCode, self.line1, self.line2, self.recipient, self.phone]
                .allSatisfy { $0 == nil }
        }

        /// `address` with the fields given here replaced.
        func applied(to address: Souk_Identity_V1_Address) -> Souk_Identity_V1_Address {
            var address = address
            if let country { address.country = country.uppercased() }
            if let city { address.city = city }
            if let region { address.region = region }
            if let postalCode { address.postalCode = postalCode }
            if let line1 { address.line1 = line1 }
            if let line2 { address.line2 = line2 }
            if let recipient { address.recipient = recipient }
            if let phone { address.phone = phone }
            return address
        }
    }

    static func address(_ address: Souk_Identity_V1_Address) -> String {
        let place = [address.postalCode, address.city, address.region, address.country].filter { !$0.isEmpty }
        return ([address.line1, address.line2].filter { !$0.isEmpty } + [place.joined(separator: " ")])
            .filter { !$0.isEmpty }.joined(separator: ", ")
    }

    static func print(_ warehouses: [Souk_Catalog_V1_Warehouse], global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(warehouses) }
        Printer.table(
            ["CODE", "NAME", "ACTIVE", "ADDRESS", "PHONE"],
            warehouses.map {
                [$0.code, $0.name, $0.active ? "yes" : "no", Self.address($0.address), $0.address.phone]
            }
        )
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every warehouse with its address.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let warehouses = try await session.authenticated { api in
                    try await api.catalog.listWarehouses(.init(), options: api.options).warehouses
                }
                try Warehouses.print(warehouses, global: self.global)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a warehouse; it takes reservations at once.",
            discussion: "The code is 2-16 of A-Z, 0-9 and '-' and never changes. Country and city are required."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The code, e.g. KZN-1.") var code: String
        @Option(help: "The name, e.g. Kazan.") var name: String
        @OptionGroup var address: AddressOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_CreateWarehouseRequest()
                request.code = self.code
                request.name = self.name
                request.address = self.address.applied(to: .init())
                let warehouse = try await session.authenticated { api in
                    try await api.catalog.createWarehouse(request, options: api.options)
                }
                try Warehouses.print([warehouse], global: self.global)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a warehouse's name, address or whether it takes new reservations.",
            discussion: "Only the address fields given change; the others keep what the warehouse has now."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The warehouse's code.") var code: String
        @Option(help: "A new name.") var name: String?
        @OptionGroup var address: AddressOptions
        @Flag(help: "Take new reservations again.") var activate = false
        @Flag(help: "Take no new reservations (its stock stays).") var deactivate = false

        func validate() throws {
            guard !(self.activate && self.deactivate) else {
                throw ValidationError("--activate and --deactivate: give one of them")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_UpdateWarehouseRequest()
                request.code = self.code
                if let name { request.name = name }
                if self.activate || self.deactivate { request.active = self.activate }
                let address = self.address
                let warehouse = try await session.authenticated { api in
                    var request = request
                    if !address.isEmpty {
                        // The request replaces the whole address: start from the one the warehouse has now.
                        let current = try await api.catalog.listWarehouses(.init(), options: api.options).warehouses
                            .first { $0.code == request.code }
                        request.address = address.applied(to: current?.address ?? .init())
                    }
                    return try await api.catalog.updateWarehouse(request, options: api.options)
                }
                try Warehouses.print([warehouse], global: self.global)
            }
        }
    }
}
