import AsyncHTTPClient
import Logging
import SoukCouriers
import SoukLocalProviders
import Synchronization
import Testing

/// Every log line at every level, message and metadata rendered as text.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { self.lines.withLock { $0 } }

    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
            self.capture.lines.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
        }
    }
}

@Suite("Courier secrets never reach a log line")
struct CourierLoggingTests {
    @Test("retries of CDEK calls log their path and error, never the client secret or the token")
    func cdek() async throws {
        let capture = LogCapture()
        try await LocalCDEKFixture.with { cdek in
            let client = CDEKClient(
                httpClient: .shared,
                config: .init(
                    baseURL: cdek.server.baseURL,
                    clientID: LocalCDEKFixture.clientID,
                    clientSecret: CourierSecret(LocalCDEKFixture.secret)
                ),
                clock: cdek.clock,
                logger: capture.logger("souk.cdek")
            )
            cdek.server.failNext(2, with: .status(500))
            _ = try await client.tariffs(
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box]
            )
            cdek.server.failNext(2, with: .status(503))
            _ = try await client.tariffs(
                from: Places.moscowWarehouse,
                to: Places.petersburgBuyer,
                parcels: [Places.box]
            )
        }
        let lines = capture.all
        #expect(lines.count == 4, "one line per retry")
        for line in lines {
            #expect(!line.contains(LocalCDEKFixture.secret) && !line.contains("local-cdek-token"), "\(line)")
        }
    }

    @Test("retries of EasyPost calls never log the API key")
    func easyPost() async throws {
        let capture = LogCapture()
        try await LocalEasyPostFixture.with { easypost in
            let client = EasyPostClient(
                httpClient: .shared,
                config: .init(baseURL: easypost.server.baseURL, apiKey: CourierSecret(LocalEasyPostFixture.apiKey)),
                clock: easypost.clock,
                logger: capture.logger("souk.easypost")
            )
            easypost.server.failNext(2, with: .status(500))
            _ = try await client.quote(from: Places.sanFranciscoWarehouse, to: Places.austinBuyer, parcel: Places.box)
        }
        let lines = capture.all
        #expect(lines.count == 2)
        for line in lines { #expect(!line.contains(LocalEasyPostFixture.apiKey), "\(line)") }
    }
}
