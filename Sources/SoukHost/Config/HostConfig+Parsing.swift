import SoukIdentity
import SoukRedis
import SoukStorage
import SoukTLS

/// The settings soukd reads from flags and the environment, built from plain values, so soukd needs no storage,
/// TLS or identity types of its own.
extension HostConfig {
    /// Uses the PostgreSQL server at `url` (`postgres://user:password@host:port/database?…`).
    ///
    /// - Throws: ``HostError`` (invalid configuration) naming `setting` when the URL is malformed.
    package mutating func useDatabase(url: String, setting: String) throws {
        do {
            self.database = .url(try DatabaseURL(parsing: url))
        } catch let error as StorageError {
            throw HostError(code: .invalidConfiguration, message: "\(setting): \(error.message)")
        }
    }

    /// Uses the Redis at `url` as the shared cache (`redis://…`, `unix:///path`), or none for `off`.
    ///
    /// - Throws: ``HostError`` (invalid configuration) naming `setting` when the URL is malformed; the message never
    ///   shows a password.
    package mutating func useCache(url: String, setting: String) throws {
        if url.lowercased() == "off" {
            self.cache = .none
            return
        }
        do {
            self.cache = .redis(try RedisEndpoint(url: url))
        } catch {
            throw HostError(code: .invalidConfiguration, message: "\(setting): \(error)")
        }
    }

    /// Serves TLS with the certificate chain and private key (PEM) at these paths.
    package mutating func useCertificates(chainPath: String, keyPath: String) {
        self.transportSecurity = .certificates(
            TLSFiles(certificateAuthority: "", certificateChain: chainPath, privateKey: keyPath)
        )
    }

    /// Lets people sign in with an OpenID Connect provider (the authorization-code flow).
    package mutating func useExternalSignIn(issuer: String, clientID: String, clientSecret: String, redirectURI: String)
    {
        self.identity.externalProvider = ExternalProviderConfig(
            issuer: issuer,
            clientID: clientID,
            clientSecret: clientSecret,
            redirectURI: redirectURI
        )
    }
}

extension HostError {
    /// The one line an operator reads for a failure of the host or of what it starts (storage, TLS), or nil for
    /// any other error.
    package static func operatorMessage(for error: any Error) -> String? {
        switch error {
        case let error as HostError: error.description
        case let error as StorageError: error.description
        case let error as TLSError: error.description
        default: nil
        }
    }
}

extension HostMigrator {
    /// Applies the migrations of the configured services and answers one line per schema, e.g.
    /// `catalog: version 7, applied 6, 7` or `identity: version 5, up to date`.
    package func migrateDescribing() async throws -> [String] {
        try await self.migrate().map { report in
            let applied =
                report.applied.isEmpty
                ? "up to date" : "applied \(report.applied.map(String.init).joined(separator: ", "))"
            return "\(report.schema): version \(report.version), \(applied)"
        }
    }
}
