package import AsyncHTTPClient
import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import SoukRetry

/// The Measurement Protocol over HTTP: a batch is checked on the debug endpoint (`/debug/mp/collect`, which records
/// nothing and answers `validationMessages`) and sent to the collect endpoint (`/mp/collect`, which answers 2xx even
/// for a malformed body, hence the check first), with retries on 5xx, 429 and connection failures (`providers.md`
/// §3). The api secret travels in the query string only: URLs are never logged.
///
/// ```swift
/// let client = GA4Client(
///     httpClient: .shared,
///     config: .init(measurementID: "G-ABC123", apiSecret: GA4Secret(secret))
/// )
/// if try await client.validate(batch).isEmpty { try await client.send(batch) }
/// ```
package struct GA4Client: Sendable {
    /// Where Google is, which property, its secret, and how patiently to retry.
    package struct Config: Sendable, Hashable {
        /// Google's analytics host.
        package static let googleEndpoint = "https://www.google-analytics.com"

        /// The base URL the paths are added to (tests: the local server's).
        package var endpoint: String
        /// The web stream's measurement id, `G-…`.
        package var measurementID: String
        /// The stream's Measurement Protocol api secret.
        package var apiSecret: GA4Secret
        /// Attempts and backoff for 5xx, 429 and connection failures.
        package var retries: GA4Retries
        /// How long one attempt may take.
        package var requestTimeout: Duration

        package init(
            endpoint: String = Self.googleEndpoint,
            measurementID: String,
            apiSecret: GA4Secret,
            retries: GA4Retries = .ga4,
            requestTimeout: Duration = .seconds(20)
        ) {
            self.endpoint = endpoint
            self.measurementID = measurementID
            self.apiSecret = apiSecret
            self.retries = retries
            self.requestTimeout = requestTimeout
        }
    }

    /// One of the debug endpoint's `validationMessages`.
    package struct ValidationMessage: Sendable, Hashable, Decodable, CustomStringConvertible {
        package var fieldPath: String?
        package var description: String
        package var validationCode: String?

        package init(fieldPath: String?, description: String, validationCode: String?) {
            self.fieldPath = fieldPath
            self.description = description
            self.validationCode = validationCode
        }
    }

    private struct ValidationAnswer: Decodable {
        var validationMessages: [ValidationMessage]?
    }

    let httpClient: HTTPClient
    let config: Config
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void

    /// A client of `config`'s property, waiting between attempts on `clock`.
    package init<C: Clock>(
        httpClient: HTTPClient,
        config: Config,
        logger: Logger = Logger(label: "souk.ga4"),
        clock: C = ContinuousClock()
    ) where C.Duration == Duration {
        self.httpClient = httpClient
        self.config = config
        self.logger = logger
        self.sleep = { try await clock.sleep(for: $0) }
    }

    /// What the debug endpoint says of `batch`: empty when it is valid.
    ///
    /// - Throws: ``GA4Error`` when no 2xx answer came, or it is not the documented JSON.
    package func validate(_ batch: MeasurementBatch) async throws -> [ValidationMessage] {
        let answer = try await self.post(batch, path: "/debug/mp/collect")
        do {
            return try JSONDecoder().decode(ValidationAnswer.self, from: answer).validationMessages ?? []
        } catch {
            throw GA4Error(.badResponse, "the debug endpoint's answer is not validationMessages JSON")
        }
    }

    /// Sends `batch` to the collect endpoint.
    ///
    /// - Throws: ``GA4Error`` when no 2xx answer came.
    package func send(_ batch: MeasurementBatch) async throws {
        _ = try await self.post(batch, path: "/mp/collect")
    }

    private func post(_ batch: MeasurementBatch, path: String) async throws -> Data {
        var components = URLComponents()
        components.queryItems = [
            URLQueryItem(name: "measurement_id", value: self.config.measurementID),
            URLQueryItem(name: "api_secret", value: self.config.apiSecret.value),
        ]
        let base = self.config.endpoint.hasSuffix("/") ? String(self.config.endpoint.dropLast()) : self.config.endpoint
        var request = HTTPClientRequest(url: base + path + "?" + (components.percentEncodedQuery ?? ""))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: batch.body))
        var attempt = 1
        while true {
            let answer: (status: Int, body: Data)
            do {
                answer = try await self.attempt(request)
            } catch {
                if Task.isCancelled { throw CancellationError() }
                answer = (0, Data())
                self.logger.debug(
                    "GA4 request not answered",
                    metadata: ["path": "\(path)", "error": "\(type(of: error))"]
                )
            }
            if (200..<300).contains(answer.status) { return answer.body }
            let failure =
                answer.status == 0
                ? GA4Error(.unavailable, "\(path) could not be reached")
                : GA4Error(
                    answer.status == 429 || answer.status >= 500 ? .unavailable : .refused,
                    "\(path) answered HTTP \(answer.status)"
                )
            guard failure.code == .unavailable else { throw failure }
            guard attempt < self.config.retries.maxAttempts else { throw failure }
            let wait = self.config.retries.backoff(after: attempt)
            self.logger.notice(
                "GA4 request failed, retrying",
                metadata: [
                    "path": "\(path)", "attempt": "\(attempt)", "error": "\(failure.message)", "wait": "\(wait)",
                ]
            )
            try await self.sleep(wait)
            attempt += 1
        }
    }

    private func attempt(_ request: HTTPClientRequest) async throws -> (Int, Data) {
        let timeout = self.config.requestTimeout.components
        let nanoseconds = timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000
        let response = try await self.httpClient.execute(request, timeout: .nanoseconds(nanoseconds))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Data(body.readableBytesView))
    }
}
