/// The time zone names PostgreSQL knows (`pg_timezone_names`), read once: the view reads every zone file (about
/// 90 ms here), and its answer only changes with the server's tzdata, which a restart brings.
actor TimeZoneNames {
    private var names: Set<String>?

    /// Whether `name` is a zone PostgreSQL knows; `load` reads the names the first time.
    func contains(_ name: String, load: @Sendable () async throws -> Set<String>) async throws -> Bool {
        if let names = self.names { return names.contains(name) }
        let loaded = try await load()
        self.names = loaded
        return loaded.contains(name)
    }
}
