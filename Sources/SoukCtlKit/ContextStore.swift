import Foundation

/// The contexts in `contexts.json` and which one is current.
///
/// ```swift
/// var store = try ContextStore.load(from: folder)
/// try store.add(Context(name: "local", endpoint: "127.0.0.1:7700", certificateAuthority: ".souk/tls/ca.pem"))
/// try store.save(to: folder)
/// ```
package struct ContextStore: Sendable, Hashable, Codable {
    /// The current context's name, if any.
    package private(set) var current: String?
    /// Every context by name.
    package private(set) var contexts: [String: Context]

    /// An empty store.
    package init() {
        self.current = nil
        self.contexts = [:]
    }

    /// The store in `folder`, or an empty one when there is no file yet.
    ///
    /// - Throws: ``CtlError`` (usage) when the file is not a contexts file.
    package static func load(from folder: ConfigFolder) throws -> Self {
        guard let bytes = PrivateFiles.read(folder.contextsFile) else { return Self() }
        do {
            return try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch {
            throw CtlError(
                .usage,
                "\(folder.contextsFile) is not a contexts file",
                hint: "fix or remove it, then `soukctl context add`"
            )
        }
    }

    /// Writes the store to `folder` (folder mode 0700, file mode 0600).
    package func save(to folder: ConfigFolder) throws {
        try PrivateFiles.makeFolder(folder.path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFiles.write(Array(try encoder.encode(self)), to: folder.contextsFile)
    }

    /// Adds or replaces `context`; the first context added becomes the current one.
    package mutating func add(_ context: Context) throws {
        guard Context.isValidName(context.name) else {
            throw CtlError(
                .usage,
                "context name '\(context.name.prefix(64))' is not valid",
                hint: "use letters, digits, '-', '_' and '.'"
            )
        }
        self.contexts[context.name] = context
        if self.current == nil { self.current = context.name }
    }

    /// Makes `name` the current context.
    package mutating func use(_ name: String) throws {
        guard self.contexts[name] != nil else { throw Self.unknown(name) }
        self.current = name
    }

    /// Removes `name`; when it was current, no context is current.
    package mutating func remove(_ name: String) throws {
        guard self.contexts.removeValue(forKey: name) != nil else { throw Self.unknown(name) }
        if self.current == name { self.current = nil }
    }

    /// The context a command uses: `override` (from `--context`) or the current one.
    ///
    /// - Throws: ``CtlError`` (usage) when there is none or it does not exist.
    package func resolve(override: String?) throws -> Context {
        guard let name = override ?? self.current else {
            throw CtlError(
                .usage,
                "no context is selected",
                hint: "run `soukctl context add NAME --endpoint HOST:PORT --ca PATH`"
            )
        }
        guard let context = self.contexts[name] else { throw Self.unknown(name) }
        return context
    }

    /// The contexts sorted by name.
    package var sorted: [Context] {
        self.contexts.values.sorted { $0.name < $1.name }
    }

    private static func unknown(_ name: String) -> CtlError {
        CtlError(.usage, "there is no context '\(name.prefix(64))'", hint: "see `soukctl context list`")
    }
}
