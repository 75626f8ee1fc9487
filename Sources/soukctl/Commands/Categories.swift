import ArgumentParser
import Foundation
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

    /// The id of the one category `text` names: its id, its slug, or the start of its id as a table shows it.
    /// - Throws: ``CtlError`` (refused) naming `flag` when no category or more than one matches.
    static func id(_ text: String, flag: String, session: Session) async throws -> String {
        var wanted = text.trimmingCharacters(in: .whitespaces).lowercased()
        if wanted.hasSuffix("…") { wanted.removeLast() }
        if UUID(uuidString: wanted) != nil { return wanted }
        let categories = try await session.anonymous { api in
            try await api.catalog.listCategories(.init(), options: api.options).categories
        }
        if let bySlug = categories.first(where: { $0.slug == wanted }) { return bySlug.id }
        let byPrefix = wanted.isEmpty ? [] : categories.filter { $0.id.hasPrefix(wanted) }
        guard byPrefix.count == 1 else {
            throw CtlError(
                .refused,
                byPrefix.isEmpty
                    ? "\(flag): no category has the slug or id '\(text)'"
                    : "\(flag): '\(text)' is the start of \(byPrefix.count) categories' ids; give more of it",
                hint: "`soukctl categories list` shows their ids and slugs"
            )
        }
        return byPrefix[0].id
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
        @Option(help: "The parent category's slug or id (none: top level).") var parent: String?

        func run() async throws {
            try await reportingErrors {
                let session = try Session(self.global)
                var request = Souk_Catalog_V1_CreateCategoryRequest()
                request.name = self.name
                request.slug = self.slug
                if let parent { request.parentID = try await Categories.id(parent, flag: "--parent", session: session) }
                let category = try await session.authenticated { api in
                    try await api.catalog.createCategory(request, options: api.options)
                }
                try Categories.print([category], global: self.global)
            }
        }
    }
}
