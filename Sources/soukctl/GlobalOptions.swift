import ArgumentParser

/// Options every soukctl command takes.
struct GlobalOptions: ParsableArguments {
    /// How results are printed.
    enum Output: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "The context (server) to use instead of the current one (see `soukctl context list`).")
    var context: String?

    @Option(name: [.customShort("o"), .long], help: "Print results as a table (fitted to the terminal) or as JSON.")
    var output: Output = .table

    var isJSON: Bool { self.output == .json }
}
