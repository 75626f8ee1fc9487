import Foundation
import SoukGA4

/// What `souk-worker ga4 export` runs with, from its flags and the environment, each checked.
///
/// Environment keys: `SOUK_GA4_API_SECRET` (required; there is no flag for it), `SOUK_GA4_CLIENT_ID_KEY`
/// (required, at least 16 characters: the key of the customers' client ids), `SOUK_GA4_MEASUREMENT_ID` (when
/// `--measurement-id` is not given), `SOUK_DATABASE_URL` (when `--database-url` is not given).
struct GA4ExportSettings {
    /// A setting that cannot be used, named, in one line that never shows a secret.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    var client: GA4Client.Config
    var clientIDKey: GA4Secret
    var databaseURL: String

    init(command: GA4ExportCommand, environment: [String: String]) throws {
        if command.apiSecret != nil {
            throw Refusal(
                description: "--api-secret: not accepted (a flag shows in the process list and shell history); "
                    + "set \(GA4ExportCommand.secretVariable)"
            )
        }
        guard let measurementID = command.measurementID ?? environment[GA4ExportCommand.measurementVariable],
            !measurementID.isEmpty
        else {
            throw Refusal(
                description: "--measurement-id (or \(GA4ExportCommand.measurementVariable)) is not set: "
                    + "the GA4 web stream's measurement id, G-…"
            )
        }
        guard measurementID.hasPrefix("G-"), measurementID.count <= 20, measurementID.count > 2,
            measurementID.dropFirst(2).allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) })
        else {
            throw Refusal(
                description: "--measurement-id: '\(measurementID.prefix(40))' is not a measurement id "
                    + "(G- and capital letters or digits)"
            )
        }
        guard let secret = environment[GA4ExportCommand.secretVariable], !secret.isEmpty else {
            throw Refusal(
                description:
                    "\(GA4ExportCommand.secretVariable) is not set: the stream's Measurement Protocol api secret"
            )
        }
        guard let key = environment[GA4ExportCommand.keyVariable], key.count >= 16 else {
            throw Refusal(
                description: "\(GA4ExportCommand.keyVariable) is not set or shorter than 16 characters: "
                    + "the key that hashes customers into client ids"
            )
        }
        guard let url = URL(string: command.endpoint), url.scheme == "https" || url.scheme == "http",
            url.host != nil, url.query == nil
        else {
            throw Refusal(
                description: "--endpoint: '\(command.endpoint.prefix(80))' is not an http(s) base URL without a query"
            )
        }
        guard let database = command.databaseURL ?? environment["SOUK_DATABASE_URL"], !database.isEmpty else {
            throw Refusal(description: "--database-url (or SOUK_DATABASE_URL) is not set: the analytics database")
        }
        guard (30...3600).contains(command.leaseSeconds) else {
            throw Refusal(description: "--lease-seconds: 30 to 3600, not \(command.leaseSeconds)")
        }
        self.client = GA4Client.Config(
            endpoint: command.endpoint,
            measurementID: measurementID,
            apiSecret: GA4Secret(secret)
        )
        self.clientIDKey = GA4Secret(key)
        self.databaseURL = database
    }
}
