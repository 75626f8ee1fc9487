import Foundation
import Logging
import SoukHost

/// The settings soukd reads, each a flag and an environment variable; a flag wins over the variable.
///
/// | flag | variable | default |
/// | --- | --- | --- |
/// | `--services` | `SOUK_SERVICES` | `all` |
/// | `--host` | `SOUK_HOST` | `127.0.0.1` |
/// | `--swp-port` | `SOUK_SWP_PORT` | `7700` |
/// | `--grpc-port` | `SOUK_GRPC_PORT` | `7701` |
/// | `--metrics-port` | `SOUK_METRICS_PORT` | off (0 picks a free port) |
/// | `--metrics-host` | `SOUK_METRICS_HOST` | `127.0.0.1` |
/// | `--data-folder` | `SOUK_DATA_FOLDER` | `./.souk` |
/// | `--database-url` | `DATABASE_URL` | embedded cluster in `<data folder>/pg` |
/// | `--redis-url` (or `off`) | `SOUK_REDIS_URL` | with the embedded cluster, a `redis-server` in `<data folder>/redis` when a hosted domain caches |
/// | `--tls-cert`, `--tls-key` | `SOUK_TLS_CERT`, `SOUK_TLS_KEY` | development CA in `<data folder>/tls` |
/// | `--tls-client-ca` | `SOUK_TLS_CLIENT_CA` | none (no client certificates) |
/// | `--plaintext` | `SOUK_PLAINTEXT=1` | off |
/// | `--drain-timeout` | `SOUK_DRAIN_TIMEOUT` (seconds) | `10` |
/// | `--log-level` | `SOUK_LOG_LEVEL` | `info` |
/// | `--oidc-issuer`, `--oidc-client-id`, `--oidc-redirect-uri` | `SOUK_OIDC_ISSUER`, `SOUK_OIDC_CLIENT_ID`, `SOUK_OIDC_REDIRECT_URI`; the secret only in `SOUK_OIDC_CLIENT_SECRET` | none |
/// | `--remote NAME=HOST:PORT` (repeatable) | `SOUK_REMOTE` (comma-separated) | none: domains called must be hosted here |
/// | `--remote-ca` | `SOUK_REMOTE_CA` | the system roots |
/// | `--service-client-id` | `SOUK_SERVICE_CLIENT_ID`; the secret only in `SOUK_SERVICE_CLIENT_SECRET` | none: calls a domain makes as itself are refused |
/// | `--data-keys` | `SOUK_DATA_KEYS_FILE`, or the keys in `SOUK_DATA_KEYS` | `<data folder>/keys/data-keys` |
struct ResolvedSettings {
    var host: HostConfig
    var logLevel: Logger.Level

    /// `identity=127.0.0.1:7700` as the domain's name and where it runs.
    static func remote(
        _ text: String,
        certificateAuthority: String?,
        setting: String
    ) throws -> (ServiceName, HostConfig.RemoteDomain) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let address = parts.count == 2 ? parts[1] : ""
        guard parts.count == 2, let colon = address.lastIndex(of: ":"),
            let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port),
            colon > address.startIndex
        else {
            throw HostError(
                code: .invalidConfiguration,
                message: "\(setting): '\(text.prefix(80))' is not NAME=HOST:PORT, e.g. identity=127.0.0.1:7700"
            )
        }
        let names: Set<ServiceName>
        do {
            names = try ServiceName.parseList(parts[0])
        } catch let error as HostError {
            throw HostError(
                code: error.code,
                message: error.message.replacingOccurrences(of: "--services", with: setting)
            )
        }
        guard names.count == 1, let name = names.first else {
            throw HostError(code: .invalidConfiguration, message: "\(setting): name one domain per NAME=HOST:PORT")
        }
        let host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (name, HostConfig.RemoteDomain(host: host, port: port, certificateAuthority: certificateAuthority))
    }

    /// Combines flags, environment and defaults; a malformed value names its setting.
    init(options: HostOptions, environment: [String: String]) throws {
        func value(_ flag: String?, _ variable: String) -> (String, String)? {
            if let flag { return (flag, "--\(Self.flagName(for: variable))") }
            if let text = environment[variable], !text.isEmpty { return (text, variable) }
            return nil
        }

        var config = HostConfig.defaults
        if let (text, setting) = value(options.services, "SOUK_SERVICES") {
            do {
                config.services = try ServiceName.parseList(text)
            } catch let error as HostError {
                throw HostError(
                    code: error.code,
                    message: error.message.replacingOccurrences(of: "--services", with: setting)
                )
            }
        }
        let remotes =
            options.remote.isEmpty
            ? (environment["SOUK_REMOTE"] ?? "").split(separator: ",").map(String.init)
            : options.remote
        let remoteSetting = options.remote.isEmpty ? "SOUK_REMOTE" : "--remote"
        let remoteCA = value(options.remoteCa, "SOUK_REMOTE_CA")?.0
        for text in remotes.map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
            let (name, remote) = try Self.remote(text, certificateAuthority: remoteCA, setting: remoteSetting)
            config.remoteDomains[name] = remote
        }
        if let (text, _) = value(options.host, "SOUK_HOST") {
            config.grpc.host = text
            config.swp.host = text
        }
        if let port = try Self.port(flag: options.swpPort, variable: "SOUK_SWP_PORT", environment) {
            config.swp.port = port
        }
        if let port = try Self.port(flag: options.grpcPort, variable: "SOUK_GRPC_PORT", environment) {
            config.grpc.port = port
        }
        if let port = try Self.port(flag: options.metricsPort, variable: "SOUK_METRICS_PORT", environment) {
            config.metrics = HostConfig.Listener(
                host: value(options.metricsHost, "SOUK_METRICS_HOST")?.0 ?? "127.0.0.1",
                port: port
            )
        }
        if let (text, _) = value(options.dataFolder, "SOUK_DATA_FOLDER") {
            config.dataFolder = text
        }
        if let (text, setting) = value(options.databaseURL, "DATABASE_URL") {
            try config.useDatabase(url: text, setting: setting)
        }
        if let (text, setting) = value(options.redisURL, "SOUK_REDIS_URL") {
            try config.useCache(url: text, setting: setting)
        }
        let plaintext =
            options.plaintext || ["1", "true", "yes"].contains(environment["SOUK_PLAINTEXT"]?.lowercased() ?? "")
        let certificate = value(options.tlsCert, "SOUK_TLS_CERT")?.0
        let key = value(options.tlsKey, "SOUK_TLS_KEY")?.0
        switch (plaintext, certificate, key) {
        case (true, .some, _), (true, _, .some):
            throw HostError(
                code: .invalidConfiguration,
                message: "--plaintext cannot be combined with --tls-cert/--tls-key"
            )
        case (true, nil, nil):
            config.transportSecurity = .plaintext
        case (false, let certificate?, let key?):
            config.useCertificates(chainPath: certificate, keyPath: key)
        case (false, .some, nil), (false, nil, .some):
            throw HostError(code: .invalidConfiguration, message: "--tls-cert and --tls-key must be given together")
        case (false, nil, nil):
            config.transportSecurity = .developmentCertificates(extraHosts: [])
        }
        if let (text, setting) = value(options.tlsClientCa, "SOUK_TLS_CLIENT_CA") {
            if case .plaintext = config.transportSecurity {
                throw HostError(
                    code: .invalidConfiguration,
                    message: "\(setting) needs TLS; it cannot be combined with --plaintext"
                )
            }
            config.clientCertificateAuthority = text
        }
        if let seconds = options.drainTimeout {
            config.drainTimeout = try Self.duration(seconds, setting: "--drain-timeout")
        } else if let text = environment["SOUK_DRAIN_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text) else {
                throw HostError(
                    code: .invalidConfiguration,
                    message: "SOUK_DRAIN_TIMEOUT: '\(text)' is not a number of seconds"
                )
            }
            config.drainTimeout = try Self.duration(seconds, setting: "SOUK_DRAIN_TIMEOUT")
        }
        let oidc = [
            value(options.oidcIssuer, "SOUK_OIDC_ISSUER"), value(options.oidcClientId, "SOUK_OIDC_CLIENT_ID"),
            value(options.oidcRedirectUri, "SOUK_OIDC_REDIRECT_URI"),
        ]
        let secret = environment["SOUK_OIDC_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if oidc.contains(where: { $0 != nil }) || secret != nil {
            guard let issuer = oidc[0]?.0, let client = oidc[1]?.0, let redirect = oidc[2]?.0, let secret else {
                throw HostError(
                    code: .invalidConfiguration,
                    message:
                        "external sign-in needs --oidc-issuer, --oidc-client-id, --oidc-redirect-uri and SOUK_OIDC_CLIENT_SECRET"
                )
            }
            config.useExternalSignIn(issuer: issuer, clientID: client, clientSecret: secret, redirectURI: redirect)
        }
        let serviceSecret = environment["SOUK_SERVICE_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        switch (value(options.serviceClientId, "SOUK_SERVICE_CLIENT_ID"), serviceSecret) {
        case (let (clientID, _)?, let secret?):
            config.serviceAccount = HostConfig.ServiceAccount(clientID: clientID, clientSecret: secret)
        case (let (_, setting)?, nil):
            throw HostError(code: .invalidConfiguration, message: "\(setting) needs SOUK_SERVICE_CLIENT_SECRET")
        case (nil, .some):
            throw HostError(
                code: .invalidConfiguration,
                message: "SOUK_SERVICE_CLIENT_SECRET needs --service-client-id (or SOUK_SERVICE_CLIENT_ID)"
            )
        case (nil, nil):
            break
        }
        try Self.payments(&config, options: options, environment: environment)
        try Self.delivery(&config, options: options, environment: environment)
        if let (path, _) = value(options.dataKeys, "SOUK_DATA_KEYS_FILE") {
            config.dataKeys = .file(path)
        } else if let text = environment["SOUK_DATA_KEYS"], !text.isEmpty {
            config.dataKeys = .text(text)
        }
        self.host = config

        self.logLevel = .info
        if let (text, setting) = value(options.logLevel, "SOUK_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw HostError(
                    code: .invalidConfiguration,
                    message: "\(setting): '\(text)' is not one of trace, debug, info, notice, warning, error, critical"
                )
            }
            self.logLevel = level
        }
    }

    static func flagName(for variable: String) -> String {
        switch variable {
        case "DATABASE_URL": return "database-url"
        default:
            return variable.replacingOccurrences(of: "SOUK_", with: "").lowercased().replacingOccurrences(
                of: "_",
                with: "-"
            )
        }
    }

    static func port(flag: Int?, variable: String, _ environment: [String: String]) throws -> Int? {
        if let flag {
            return try Self.port(flag, setting: "--\(Self.flagName(for: variable))")
        }
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let port = Int(text) else {
            throw HostError(
                code: .invalidConfiguration,
                message: "\(variable): '\(text)' is not a port number (0-65535)"
            )
        }
        return try Self.port(port, setting: variable)
    }

    private static func port(_ port: Int, setting: String) throws -> Int {
        guard (0...65535).contains(port) else {
            throw HostError(code: .invalidConfiguration, message: "\(setting): \(port) is not a port number (0-65535)")
        }
        return port
    }

    private static func duration(_ seconds: Double, setting: String) throws -> Duration {
        guard seconds.isFinite, seconds >= 0, seconds <= 3600 else {
            throw HostError(
                code: .invalidConfiguration,
                message: "\(setting): \(seconds) must be between 0 and 3600 seconds"
            )
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}
