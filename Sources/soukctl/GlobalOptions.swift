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

extension GlobalOptions {
    /// The arguments with global options given before the subcommand (`soukctl --context prod users list`)
    /// moved to the end, where the subcommand's option group reads them.
    static func movedToEnd(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first, first.hasPrefix("-") {
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            guard ["--context", "--output", "-o"].contains(name) else { break }
            leading.append(first)
            rest = rest.dropFirst()
            if !first.contains("="), let value = rest.first {
                leading.append(value)
                rest = rest.dropFirst()
            }
        }
        return Array(rest) + leading
    }
}
