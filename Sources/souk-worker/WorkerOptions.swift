import ArgumentParser
import Foundation
import GRPCCore
import Logging
import SoukAPI
import SoukAnalytics
import SoukClient

/// What every job that calls the services and writes the analytics schema takes: where the host is, how to trust it,
/// the service account (its secret only from the environment), the database and the lease holder's name.
struct WorkerOptions: ParsableArguments {
    static let secretVariable = "SOUK_WORKER_CLIENT_SECRET"

    @Option(name: .long, help: "The host's address.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The host's SWP port.")
    var port = 7700

    @Option(name: .long, help: "The certificate authority to trust (PEM); the system's roots with --system-roots.")
    var ca = ".souk/tls/ca.pem"

    @Flag(name: .long, help: "Trust the system's certificate authorities instead of --ca.")
    var systemRoots = false

    @Option(name: .long, help: "The service account's client id (it needs the job's scope).")
    var clientID: String

    @Option(
        name: .long,
        help: "The PostgreSQL database holding the analytics schema (default: SOUK_DATABASE_URL)."
    )
    var databaseURL: String?

    @Option(name: .long, help: "This worker's name in the lease (default: host name and process id).")
    var holder: String?

    /// What a job runs with once the database is open and the settings are read.
    struct Session {
        let store: AnalyticsStore
        let lease: JobLease
        let holder: String
        let logger: Logger
        let config: ClientConfig
        let clientID: String
        let secret: String

        /// Runs `body` with the services, called as the service account with `scope`.
        func withServices(scope: String, _ body: (SoukServices) async throws -> Void) async throws {
            try await SoukConnection.withServices(to: self.config) { anonymous in
                let identity = anonymous.identityService
                let tokens = ClientCredentialsTokenSource(
                    clientID: self.clientID,
                    clientSecret: self.secret,
                    scopes: [scope]
                ) { request in try await identity.clientCredentials(request) }
                try await SoukConnection.withServices(to: self.config, tokens: tokens, body)
            }
        }
    }

    /// Reads the secret and the database URL, opens the analytics schema and runs `body`. A missing setting is a
    /// usage error naming it; a bad URL or a refused call is one line on standard error and exit status 1.
    func run(_ body: (Session) async throws -> Void) async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let secret = environment[Self.secretVariable], !secret.isEmpty else {
            throw ValidationError("\(Self.secretVariable) is not set: the service account's secret")
        }
        guard let url = self.databaseURL ?? environment["SOUK_DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("--database-url (or SOUK_DATABASE_URL) is not set: the analytics database")
        }
        let logger = Logger(label: "souk-worker")
        let holder = self.holder ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        let config = ClientConfig(
            host: self.host,
            port: self.port,
            trust: self.systemRoots ? .systemRoots : .certificateAuthority(path: self.ca)
        )
        do {
            try await AnalyticsDatabase.with(url: url, setting: "--database-url", logger: logger) { store, lease in
                try await body(
                    Session(
                        store: store,
                        lease: lease,
                        holder: holder,
                        logger: logger,
                        config: config,
                        clientID: self.clientID,
                        secret: secret
                    )
                )
            }
        } catch let error as AnalyticsDatabase.BadURL {
            FileHandle.standardError.write(Data("souk-worker: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as RPCError {
            FileHandle.standardError.write(Data("souk-worker: \(error.code): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
