/// The options every soukctl command takes, wherever they are typed.
package enum GlobalArguments {
    /// The options that take a value and belong to every command.
    package static let names: Set<String> = ["--context", "--output", "-o"]

    /// `arguments` with the global options given before the subcommand (`soukctl --context prod users list`)
    /// moved to the end, where the subcommand's option group reads them.
    package static func movedToEnd(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first, first.hasPrefix("-") {
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            guard Self.names.contains(name) else { break }
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
