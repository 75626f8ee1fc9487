import ArgumentParser
import Foundation
import SoukHost

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `soukd import-rates --ecb FILE_OR_URL --cbr FILE_OR_URL`: stores the day's reference rates the catalog converts
/// prices with.
struct ImportRates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-rates",
        abstract: "Import the ECB's and/or the CBR's daily rate file (a path or an http(s) URL) and exit.",
        discussion: """
            Importing a file twice changes nothing. A file that cannot be read or is not the publisher's XML stops \
            the import with nothing written.
            """
    )

    @OptionGroup var options: HostOptions

    @Option(help: "The ECB's eurofxref-daily.xml: a path or an http(s) URL.")
    var ecb: String?

    @Option(help: "The CBR's XML_daily.asp (windows-1251): a path or an http(s) URL.")
    var cbr: String?

    @Option(help: "Seconds to wait for a URL before giving up.")
    var timeout: Double = 30

    func validate() throws {
        guard self.ecb != nil || self.cbr != nil else {
            throw ValidationError("give --ecb, --cbr or both")
        }
        guard self.timeout > 0, self.timeout <= 600 else {
            throw ValidationError("--timeout: between 0 and 600 seconds")
        }
    }

    func run() async throws {
        let settings = try await reportingErrors {
            try ResolvedSettings(options: self.options, environment: ProcessInfo.processInfo.environment)
        }
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let reports = try await reportingErrors {
            var files: [HostRateImport.File] = []
            for (publisher, location, flag) in [(.ecb, self.ecb, "--ecb"), (.cbr, self.cbr, "--cbr")]
                as [(HostRateImport.Publisher, String?, String)]
            {
                guard let location else { continue }
                let data = try await Self.load(location, flag: flag, timeout: self.timeout)
                files.append(HostRateImport.File(publisher: publisher, source: "\(flag) \(location)", data: data))
            }
            return try await HostRateImport(config: settings.host, logger: logger).run(files)
        }
        for report in reports { print(report) }
    }

    /// The bytes of a file, or of an http(s) URL fetched within `timeout` seconds; a failure names the source.
    static func load(_ location: String, flag: String, timeout: Double) async throws -> Data {
        func failure(_ what: String) -> HostError {
            HostError(code: .invalidConfiguration, message: "\(flag) \(location): \(what)")
        }
        let lowered = location.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            guard let data = FileManager.default.contents(atPath: location) else {
                throw failure("cannot read the file")
            }
            return data
        }
        guard let url = URL(string: location), url.host != nil else { throw failure("not a URL") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(from: url)
        } catch {
            throw failure("cannot fetch it (\(error.localizedDescription))")
        }
        if let http = response as? HTTPURLResponse, !(200...299).contains(http.statusCode) {
            throw failure("HTTP \(http.statusCode)")
        }
        return data
    }
}
