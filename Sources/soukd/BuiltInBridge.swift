import Foundation
import Logging
import ServiceLifecycle
import SoukBridge
import SoukClient
import SoukHost

/// The browser bridge `soukd serve` starts beside its services (see ``BridgeOptions``).
///
/// It listens on 127.0.0.1:7780 unless told otherwise (plain HTTP: another address belongs behind a TLS proxy),
/// and reaches the services the way any client does: over SWP, trusting the development CA (or `--bridge-ca`). It waits for the services' SWP port, so
/// it also works with `--swp-port 0`. Under mutual TLS it has no client certificate, so it stays off unless asked
/// for explicitly (then soukd refuses to start): run souk-bridge alone with its own settings there.
struct BuiltInBridge {
    /// The port to bind; 0 picks a free one.
    var port: Int
    /// The address the bridge binds.
    var host: String
    /// The address the SWP listener binds (a wildcard is reached on loopback).
    var upstreamHost: String
    var assets: WebAssets?
    /// The CA trusted for `--tls-cert`; nil with the development CA or plaintext (taken from the ready services).
    var certificateAuthority: String?
    var secureCookies: Bool

    /// What soukd does about the bridge: start it, or why not.
    enum Plan {
        case start(BuiltInBridge)
        case off(reason: String)
    }

    /// Resolves the bridge's settings; a bad explicit setting throws before anything starts.
    static func plan(options: BridgeOptions, host: HostConfig, environment: [String: String]) throws -> Plan {
        let disabled =
            options.noBridge || ["off", "0", "false", "no"].contains(environment["SOUK_BRIDGE"]?.lowercased() ?? "")
        if disabled { return .off(reason: "--no-bridge") }
        let explicitPort = try ResolvedSettings.port(
            flag: options.bridgePort,
            variable: "SOUK_BRIDGE_PORT",
            environment
        )
        let port = explicitPort ?? 7780
        var certificateAuthority: String?
        if host.clientCertificateAuthority != nil {
            let reason = "under --tls-client-ca the built-in bridge has no client certificate; run souk-bridge alone"
            guard explicitPort == nil else { throw HostError(code: .invalidConfiguration, message: reason) }
            return .off(reason: reason)
        }
        if case .certificates = host.transportSecurity {
            let given = options.bridgeCa ?? environment["SOUK_BRIDGE_CA"].flatMap { $0.isEmpty ? nil : $0 }
            guard let given else {
                let reason = "with --tls-cert the bridge needs --bridge-ca, the CA that signed it"
                guard explicitPort == nil else { throw HostError(code: .invalidConfiguration, message: reason) }
                return .off(reason: reason)
            }
            guard FileManager.default.isReadableFile(atPath: given) else {
                throw HostError(code: .invalidConfiguration, message: "--bridge-ca: cannot read \(given)")
            }
            certificateAuthority = given
        }
        let assets: WebAssets?
        let webRoot = options.webRoot ?? environment["SOUK_WEB_ROOT"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            if let webRoot {
                assets = try WebAssets(folder: webRoot)
            } else {
                // The default folder is optional: without it the bridge answers Connect calls only.
                assets = try WebAssets.defaultFolder().map { try WebAssets(folder: $0) }
            }
        } catch let error as WebAssetsError {
            throw HostError(code: .invalidConfiguration, message: "--web-root / SOUK_WEB_ROOT: \(error.description)")
        }
        let insecure =
            options.bridgeInsecureCookies
            || ["1", "true", "yes"].contains(environment["SOUK_BRIDGE_INSECURE_COOKIES"]?.lowercased() ?? "")
        let bridgeHost =
            options.bridgeHost ?? environment["SOUK_BRIDGE_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        try PortCheck.ensureAvailable(host: bridgeHost, port: port, setting: "--bridge-port / SOUK_BRIDGE_PORT")
        return .start(
            BuiltInBridge(
                port: port,
                host: bridgeHost,
                upstreamHost: host.swp.host,
                assets: assets,
                certificateAuthority: certificateAuthority,
                secureCookies: !insecure
            )
        )
    }

    /// The service: waits for `ready` (the services' ready report), then runs the bridge until shutdown, counting its
    /// requests and sessions in `metrics` (nil: metrics off).
    func service(ready: AsyncStream<ReadyInfo>, metrics: BridgeMetrics?, logger: Logger) -> some Service {
        Waiting(bridge: self, ready: ready, metrics: metrics, logger: logger)
    }

    private struct Waiting: Service {
        let bridge: BuiltInBridge
        let ready: AsyncStream<ReadyInfo>
        let metrics: BridgeMetrics?
        let logger: Logger

        func run() async throws {
            let ready = self.ready
            let info = await cancelWhenGracefulShutdown {
                var iterator = ready.makeAsyncIterator()
                return await iterator.next()
            }
            guard let info else { return }
            let trust: ClientConfig.Trust
            if !info.isTLS {
                trust = .plaintext
            } else if let path = self.bridge.certificateAuthority ?? info.certificateAuthorityPath {
                trust = .certificateAuthority(path: path)
            } else {
                trust = .systemRoots
            }
            // A wildcard listener is reached on loopback.
            let upstreamHost =
                ["0.0.0.0", "::", ""].contains(self.bridge.upstreamHost) ? "127.0.0.1" : self.bridge.upstreamHost
            let host = self.bridge.host
            let files = self.bridge.assets?.count ?? 0
            let webFolder = self.bridge.assets?.folder
            if !["127.0.0.1", "::1", "localhost"].contains(host) {
                self.logger.warning(
                    "the browser bridge serves plain HTTP beyond loopback; put a TLS proxy in front of it",
                    metadata: ["address": "\(host):\(self.bridge.port)"]
                )
            }
            let service = BridgeService(
                host: host,
                port: self.bridge.port,
                upstream: ClientConfig(host: upstreamHost, port: info.swpPort, trust: trust),
                config: BridgeConfig(maxBodyBytes: 1 << 20, secureCookies: self.bridge.secureCookies),
                assets: self.bridge.assets,
                metrics: self.metrics,
                logger: self.logger,
                onListening: { port in
                    let page =
                        files > 0
                        ? "admin page from \(webFolder ?? "?") and Connect calls"
                        : "Connect calls only: no admin page found; give --web-root"
                    // Unbuffered, after the services' banner, so a supervisor reading a pipe sees it at once.
                    FileHandle.standardOutput.write(Data("bridge ready: http://\(host):\(port) (\(page))\n".utf8))
                }
            )
            try await service.run()
        }
    }
}
