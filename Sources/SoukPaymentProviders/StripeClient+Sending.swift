import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SoukRetry

extension StripeClient {
    /// A call's verb and its form: a query for GET, a body with its idempotency key for POST.
    enum Call {
        case get(StripeForm)
        case post(StripeForm, idempotencyKey: String)
    }

    /// One answer from Stripe: status, the header that decides retries, the body.
    struct Answer {
        var status: Int
        var shouldRetry: Bool?
        var body: ByteBuffer
    }

    /// Sends `call` to `path`, retrying what may be retried, and decodes the answer.
    func send<Reply: Decodable>(_ call: Call, _ path: String) async throws -> Reply {
        let request = try self.request(call, path)
        let retries = self.config.retries
        var attempt = 1
        while true {
            let failure: ProviderError
            do {
                let answer = try await self.attempt(request)
                if (200..<300).contains(answer.status) { return try self.decode(Reply.self, answer) }
                let error = self.error(answer)
                guard answer.shouldRetry ?? (answer.status == 409 || answer.status >= 500) else { throw error }
                failure = error
            } catch let error as ProviderError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                failure = self.transportError(error)
            }
            guard attempt < retries.maxAttempts else { throw failure }
            let wait = retries.backoff(after: attempt)
            self.logger.debug(
                "Stripe call failed, retrying with the same idempotency key",
                metadata: ["path": "\(path)", "attempt": "\(attempt)", "error": "\(failure)", "wait": "\(wait)"]
            )
            try await self.sleep(wait)
            attempt += 1
        }
    }

    private func request(_ call: Call, _ path: String) throws(ProviderError) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: self.config.baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(self.config.secretKey.value)")
        request.headers.add(name: "Accept", value: "application/json")
        if let version = self.config.stripeVersion { request.headers.add(name: "Stripe-Version", value: version) }
        switch call {
        case .get(let query):
            request.method = .GET
            if !query.fields.isEmpty { request.url += "?" + query.encoded }
        case .post(let form, let key):
            guard !key.isEmpty, key.utf8.count <= 255, key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw ProviderError(
                    .invalid,
                    provider: "Stripe",
                    message: "Idempotency-Key: 1 to 255 visible ASCII characters",
                    param: "Idempotency-Key"
                )
            }
            request.method = .POST
            request.headers.add(name: "Idempotency-Key", value: key)
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form.encoded))
        }
        return request
    }

    private func attempt(_ request: HTTPClientRequest) async throws -> Answer {
        let timeout = self.config.requestTimeout.components
        let nanoseconds = timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000
        let response = try await self.httpClient.execute(request, timeout: .nanoseconds(nanoseconds))
        let body = try await response.body.collect(upTo: self.config.maxResponseBytes)
        let shouldRetry: Bool? =
            switch response.headers.first(name: "Stripe-Should-Retry") {
            case "true": true
            case "false": false
            default: nil
            }
        return Answer(status: Int(response.status.code), shouldRetry: shouldRetry, body: body)
    }

    private func decode<Reply: Decodable>(_ type: Reply.Type, _ answer: Answer) throws(ProviderError) -> Reply {
        do {
            return try JSONDecoder().decode(Reply.self, from: Data(answer.body.readableBytesView))
        } catch {
            throw ProviderError(
                .unexpected,
                provider: "Stripe",
                message: "Stripe answered \(answer.status) with a body Souk cannot read as \(Reply.self)",
                httpStatus: answer.status
            )
        }
    }

    /// The ``ProviderError`` for a Stripe error answer: by the error's `type`, then by the HTTP status
    /// (providers.md §1.10).
    func error(_ answer: Answer) -> ProviderError {
        let object = try? JSONDecoder().decode(StripeErrorBody.self, from: Data(answer.body.readableBytesView)).error
        let type = object?.type ?? ""
        let status = answer.status
        let code: ProviderError.Code
        let summary: String
        switch (type, status) {
        case ("card_error", _), (_, 402):
            (code, summary) = (.declined, "Stripe declined the payment")
        case ("idempotency_error", _):
            (code, summary) = (.conflict, "Stripe refused a reused idempotency key")
        case ("authentication_error", _), ("permission_error", _), (_, 401), (_, 403):
            (code, summary) = (.misconfigured, "Stripe refused Souk's API key")
        case ("rate_limit_error", _), (_, 429):
            (code, summary) = (.unavailable, "Stripe is limiting the request rate")
        case ("api_error", _), (_, 500...):
            (code, summary) = (.unavailable, "Stripe is unavailable (HTTP \(status))")
        case (_, 404) where object?.code == "resource_missing", (_, 404) where object == nil:
            (code, summary) = (.notFound, "Stripe has no such object")
        case ("invalid_request_error", _), (_, 400..<500):
            (code, summary) = (.invalid, "Stripe refused the request")
        default:
            (code, summary) = (.unexpected, "Stripe answered HTTP \(status)")
        }
        var message = summary
        if let param = object?.param, !param.isEmpty { message += " (\(param))" }
        if let declineCode = object?.declineCode { message += " [\(declineCode)]" }
        if let text = object?.message, !text.isEmpty { message += ": " + text }
        return ProviderError(
            code,
            provider: "Stripe",
            message: message,
            param: object?.param,
            declineCode: object?.declineCode,
            providerCode: object?.code,
            httpStatus: status
        )
    }

    /// No answer: the connection failed or the attempt outlived ``Config/requestTimeout``.
    private func transportError(_ error: any Error) -> ProviderError {
        let what: String =
            switch error {
            case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
                "Stripe did not answer within \(self.config.requestTimeout)"
            case let error as HTTPClientError where error == .connectTimeout:
                "Stripe could not be reached within the connect timeout"
            default:
                "Stripe could not be reached (\(type(of: error)))"
            }
        return ProviderError(.unavailable, provider: "Stripe", message: what)
    }
}
