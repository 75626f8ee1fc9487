import ArgumentParser
import Logging
import SoukHost
import SoukStorage
import SoukTLS
import Testing

@testable import soukd

@Suite("soukd settings from flags and environment")
struct ResolvedSettingsTests {
    @Test("with nothing given, the defaults of the README apply")
    func defaults() throws {
        let settings = try ResolvedSettings(options: try HostOptions.parse([]), environment: [:])
        #expect(settings.host == HostConfig.defaults)
        #expect(settings.host.grpc.port == 7701)
        #expect(settings.host.grpc.host == "127.0.0.1")
        #expect(settings.host.dataFolder == ".souk")
        #expect(settings.host.database == .embedded)
        #expect(settings.logLevel == .info)
    }

    @Test("--remote and SOUK_REMOTE say where a called domain runs; a malformed one is named")
    func remotes() throws {
        let options = try HostOptions.parse([
            "--services", "catalog", "--remote", "identity=10.0.0.5:7700", "--remote-ca", "/etc/souk/ca.pem",
        ])
        let flags = try ResolvedSettings(options: options, environment: ["SOUK_REMOTE": "identity=other:1"])
        #expect(
            flags.host.remoteDomains == [
                .identity: HostConfig.RemoteDomain(
                    host: "10.0.0.5",
                    port: 7700,
                    certificateAuthority: "/etc/souk/ca.pem"
                )
            ]
        )
        let environment = try ResolvedSettings(
            options: try HostOptions.parse([]),
            environment: ["SOUK_REMOTE": "identity=[::1]:7700"]
        )
        #expect(environment.host.remoteDomains[.identity]?.host == "::1")
        for bad in ["identity", "identity=host", "identity=host:0", "nothing=host:1", "all=host:1"] {
            let error = #expect(throws: HostError.self, "\(bad)") {
                _ = try ResolvedSettings(options: try HostOptions.parse(["--remote", bad]), environment: [:])
            }
            #expect(error?.message.hasPrefix("--remote") == true, "\(error?.message ?? "")")
        }
    }

    @Test("the service account: its id by flag or variable, its secret only from the environment, never one alone")
    func serviceAccount() throws {
        let secret = ["SOUK_SERVICE_CLIENT_SECRET": "s3cret"]
        let flags = try ResolvedSettings(
            options: try HostOptions.parse(["--service-client-id", "svc_1"]),
            environment: secret
        )
        #expect(flags.host.serviceAccount == HostConfig.ServiceAccount(clientID: "svc_1", clientSecret: "s3cret"))
        #expect(!"\(flags.host.serviceAccount!)".contains("s3cret"))
        let environment = try ResolvedSettings(
            options: try HostOptions.parse([]),
            environment: secret.merging(["SOUK_SERVICE_CLIENT_ID": "svc_2"]) { $1 }
        )
        #expect(environment.host.serviceAccount?.clientID == "svc_2")
        #expect(try ResolvedSettings(options: try HostOptions.parse([]), environment: [:]).host.serviceAccount == nil)

        let noSecret = #expect(throws: HostError.self) {
            _ = try ResolvedSettings(
                options: try HostOptions.parse(["--service-client-id", "svc_1"]),
                environment: [:]
            )
        }
        #expect(noSecret?.message == "--service-client-id needs SOUK_SERVICE_CLIENT_SECRET")
        let noID = #expect(throws: HostError.self) {
            _ = try ResolvedSettings(options: try HostOptions.parse([]), environment: secret)
        }
        #expect(noID?.message.hasPrefix("SOUK_SERVICE_CLIENT_SECRET needs --service-client-id") == true)
    }

    @Test("environment variables set values and flags win over them")
    func precedence() throws {
        let environment = [
            "SOUK_GRPC_PORT": "9001", "SOUK_DATA_FOLDER": "/srv/souk", "SOUK_DRAIN_TIMEOUT": "2.5",
            "DATABASE_URL": "postgres://shop@db:5432/souk", "SOUK_LOG_LEVEL": "debug",
        ]
        let fromEnvironment = try ResolvedSettings(options: try HostOptions.parse([]), environment: environment)
        #expect(fromEnvironment.host.grpc.port == 9001)
        #expect(fromEnvironment.host.dataFolder == "/srv/souk")
        #expect(fromEnvironment.host.drainTimeout == .milliseconds(2500))
        #expect(fromEnvironment.host.database == .url(try DatabaseURL(parsing: "postgres://shop@db:5432/souk")))
        #expect(fromEnvironment.logLevel == .debug)

        let options = try HostOptions.parse(["--grpc-port", "9002", "--data-folder", "/tmp/other"])
        let fromFlags = try ResolvedSettings(options: options, environment: environment)
        #expect(fromFlags.host.grpc.port == 9002)
        #expect(fromFlags.host.dataFolder == "/tmp/other")
    }

    @Test(
        "a malformed value is refused with the name of its setting",
        arguments: [
            ("SOUK_GRPC_PORT", "seventy"), ("SOUK_GRPC_PORT", "70000"), ("SOUK_SWP_PORT", "x"),
            ("SOUK_DRAIN_TIMEOUT", "soon"),
            ("SOUK_DRAIN_TIMEOUT", "-1"), ("DATABASE_URL", "mysql://x"), ("SOUK_LOG_LEVEL", "loud"),
            ("SOUK_SERVICES", "warehouse"),
        ]
    )
    func malformed(variable: String, value: String) throws {
        let options = try HostOptions.parse([])
        let error = #expect(throws: HostError.self) {
            try ResolvedSettings(options: options, environment: [variable: value])
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(variable) == true, "\(error?.message ?? "")")
    }

    @Test("TLS settings: a certificate needs its key, and plaintext excludes both")
    func transportSecurity() throws {
        #expect(throws: HostError.self) {
            try ResolvedSettings(options: try HostOptions.parse([]), environment: ["SOUK_TLS_CERT": "/c.pem"])
        }
        #expect(throws: HostError.self) {
            try ResolvedSettings(
                options: try HostOptions.parse([]),
                environment: ["SOUK_PLAINTEXT": "1", "SOUK_TLS_KEY": "/k.pem"]
            )
        }
        let plaintext = try ResolvedSettings(options: try HostOptions.parse([]), environment: ["SOUK_PLAINTEXT": "1"])
        #expect(plaintext.host.transportSecurity == .plaintext)
        let files = try ResolvedSettings(
            options: try HostOptions.parse([]),
            environment: ["SOUK_TLS_CERT": "/c.pem", "SOUK_TLS_KEY": "/k.pem"]
        )
        guard case .certificates(let tls) = files.host.transportSecurity else {
            Issue.record("expected certificates by path")
            return
        }
        #expect(tls.certificateChain == "/c.pem")
        #expect(tls.privateKey == "/k.pem")
    }

    @Test("the command line parses into the same options")
    func parsesFlags() throws {
        let command = try Serve.parse(["--grpc-port", "0", "--services", "testing", "--plaintext"])
        let settings = try ResolvedSettings(options: command.options, environment: [:])
        #expect(settings.host.grpc.port == 0)
        #expect(settings.host.services == [.testing])
        #expect(settings.host.transportSecurity == .plaintext)
    }
}
