import ArgumentParser
import Foundation
import SoukHost

/// `soukd bootstrap-admin --email …`: creates the first administrator, once, and prints a one-time password.
struct BootstrapAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap-admin",
        abstract: "Create the first admin account and print its one-time password (refused once an admin exists)."
    )

    @OptionGroup var options: HostOptions

    @Option(help: "The admin's email address.")
    var email: String

    func run() async throws {
        let settings = try await reportingErrors {
            try ResolvedSettings(options: self.options, environment: ProcessInfo.processInfo.environment)
        }
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let password = try await reportingErrors {
            try await HostMigrator(config: settings.host, logger: logger).bootstrapAdmin(email: self.email)
        }
        print("admin \(self.email) created; one-time password (shown once, must be changed at first login):")
        print(password)
    }
}

/// `soukd rotate-data-key`: a new key for personal data at rest, and everything re-sealed under it.
struct RotateDataKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-data-key",
        abstract: "Add a new data key (development key file) and re-encrypt personal data and signing keys under it."
    )

    @OptionGroup var options: HostOptions

    @Flag(help: "Keys come from --data-keys or SOUK_DATA_KEYS and the new key is already first: only re-encrypt.")
    var reencryptOnly = false

    func run() async throws {
        let settings = try await reportingErrors {
            try ResolvedSettings(options: self.options, environment: ProcessInfo.processInfo.environment)
        }
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let migrator = HostMigrator(config: settings.host, logger: logger)
        if self.reencryptOnly {
            let count = try await reportingErrors { try await migrator.reencrypt() }
            print("re-encrypted \(count) values under the first key")
        } else {
            let (keyID, count) = try await reportingErrors { try await migrator.rotateDevelopmentDataKey() }
            print("new data key \(keyID); re-encrypted \(count) values; keep the older keys until backups expire")
        }
    }
}
