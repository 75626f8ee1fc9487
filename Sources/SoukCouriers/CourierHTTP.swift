import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SoukRetry

/// What the two courier clients share below their APIs: one attempt with a timeout, the retry rule, and the
/// errors for no answer.
struct CourierHTTP: Sendable {
    /// Whether a call may be sent again when its outcome is unknown.
    enum Repeat {
        /// Reads and quotes: repeated after connection errors, timeouts, 429 and 5xx.
        case safe
        /// Registrations and purchases: repeated only after a refused connection (never sent).
        case onlyIfNotSent
    }

    /// One answer: status and body.
    struct Answer: Sendable {
        var status: Int
        var body: ByteBuffer

        var data: Data { Data(self.body.readableBytesView) }
        var isSuccess: Bool { (200..<300).contains(self.status) }
    }

    let courier: String
    let httpClient: HTTPClient
    let retries: CourierRetries
    let requestTimeout: Duration
    let maxResponseBytes: Int
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void

    /// Sends `request`, repeating it as retrying allows; the last answer whatever its status (callers map errors),
    /// or a ``CourierError`` when no answer came.
    func send(_ request: HTTPClientRequest, _ retrying: Repeat, path: String) async throws -> Answer {
        var attempt = 1
        while true {
            let failure: CourierError
            do {
                let answer = try await self.attempt(request)
                let isTransient = answer.status == 429 || answer.status >= 500
                guard isTransient, retrying == .safe, attempt < self.retries.maxAttempts else { return answer }
                failure = CourierError(.unavailable, courier: self.courier, message: "HTTP \(answer.status)")
            } catch {
                if Task.isCancelled { throw CancellationError() }
                failure = self.transportError(error)
                let isNotSent = Self.isConnectionRefused(error)
                guard retrying == .safe || isNotSent, attempt < self.retries.maxAttempts else { throw failure }
            }
            let wait = self.retries.backoff(after: attempt)
            self.logger.debug(
                "Courier call failed, retrying",
                metadata: [
                    "courier": "\(self.courier)", "path": "\(path)", "attempt": "\(attempt)", "error": "\(failure)",
                    "wait": "\(wait)",
                ]
            )
            try await self.sleep(wait)
            attempt += 1
        }
    }

    private func attempt(_ request: HTTPClientRequest) async throws -> Answer {
        let timeout = self.requestTimeout.components
        let nanoseconds = timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000
        let response = try await self.httpClient.execute(request, timeout: .nanoseconds(nanoseconds))
        let body = try await response.body.collect(upTo: self.maxResponseBytes)
        return Answer(status: Int(response.status.code), body: body)
    }

    /// No answer: the attempt outlived ``requestTimeout``, or the connection failed.
    func transportError(_ error: any Error) -> CourierError {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            CourierError(
                .timeout,
                courier: self.courier,
                message: "\(self.courier) did not answer within \(self.requestTimeout)"
            )
        case let error as HTTPClientError where error == .connectTimeout:
            CourierError(
                .unavailable,
                courier: self.courier,
                message: "\(self.courier) could not be reached within the connect timeout"
            )
        case _ where Self.isConnectionRefused(error):
            CourierError(.unavailable, courier: self.courier, message: "\(self.courier) refused the connection")
        default:
            CourierError(
                .unavailable,
                courier: self.courier,
                message: "\(self.courier) could not be reached (\(type(of: error)))"
            )
        }
    }

    /// Whether `error` says the connection was refused: then the request was never sent, and even a
    /// registration may be repeated.
    static func isConnectionRefused(_ error: any Error) -> Bool {
        switch error {
        case let error as IOError:
            return error.errnoCode == ECONNREFUSED
        case let error as NIOConnectionError:
            return !error.connectionErrors.isEmpty
                && error.connectionErrors.allSatisfy { Self.isConnectionRefused($0.error) }
        default:
            return false
        }
    }
}
