import ArgumentParser
import SoukAPI
import SoukCtlKit

/// `soukctl stock show|set`: units per SKU per warehouse.
struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show and set stock per SKU and warehouse (staff, admins).",
        subcommands: [Show.self, Set.self]
    )

    static func print(_ levels: [Souk_Catalog_V1_StockLevel], global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(levels) }
        Printer.table(
            ["SKU", "WAREHOUSE", "ON HAND", "RESERVED", "AVAILABLE"],
            levels.map { ["\($0.sku)", $0.warehouse, "\($0.onHand)", "\($0.reserved)", "\($0.available)"] }
        )
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stock of one SKU in every warehouse.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The SKU code.") var sku: String

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_GetStockRequest()
                request.sku = self.sku
                let levels = try await session.authenticated { api in
                    try await api.catalog.getStock(request, options: api.options).levels
                }
                try Stock.print(levels, global: self.global)
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the units on hand of a SKU in a warehouse.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The SKU code.") var sku: String
        @Option(help: "The warehouse, e.g. MSK-1.") var warehouse: String
        @Option(help: "Units on hand (0 or more).") var onHand: Int32

        func validate() throws {
            guard self.onHand >= 0 else { throw ValidationError("--on-hand: 0 or more") }
        }

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_SetStockRequest()
                request.sku = self.sku
                request.warehouse = self.warehouse
                request.onHand = self.onHand
                let level = try await session.authenticated { api in
                    try await api.catalog.setStock(request, options: api.options)
                }
                try Stock.print([level], global: self.global)
            }
        }
    }
}
