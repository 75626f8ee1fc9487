import ArgumentParser
import SoukAPI
import SoukCtlKit

/// `soukctl categories list|create`: the category tree.
struct Categories: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and create catalog categories.",
        subcommands: [List.self, Create.self]
    )

    static func print(_ categories: [Souk_Catalog_V1_Category], global: GlobalOptions) throws {
        if global.isJSON { return try Printer.json(categories) }
        Printer.table(
            ["ID", "SLUG", "NAME", "PARENT"],
            categories.map { [$0.id, $0.slug, $0.name, $0.parentID] }
        )
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every category.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                let categories = try await session.anonymous { api in
                    try await api.catalog.listCategories(.init(), options: api.options).categories
                }
                try Categories.print(categories, global: self.global)
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a category (staff, admins).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The name shown to customers.") var name: String
        @Option(help: "Lower-case letters, digits and '-', unique.") var slug: String
        @Option(help: "The parent category's id (none: top level).") var parent: String?

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_CreateCategoryRequest()
                request.name = self.name
                request.slug = self.slug
                request.parentID = self.parent ?? ""
                let category = try await session.authenticated { api in
                    try await api.catalog.createCategory(request, options: api.options)
                }
                try Categories.print([category], global: self.global)
            }
        }
    }
}
