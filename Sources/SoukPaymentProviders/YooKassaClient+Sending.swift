import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

extension YooKassaClient {
    /// A call's verb and what it sends: a query for GET, a JSON body with its idempotence key for POST.
    enum Call {
        case get([(String, String)])
        case post([UInt8], idempotencyKey: String)
    }

    /// One answer from YooKassa: status and body.
    struct Answer {
        var status: Int
        var body: ByteBuffer

        /// The error (or processing) body, if the answer has one Souk can read.
        var errorBody: YooKassaErrorBody? {
            try? YooKassaJSON.decoder().decode(YooKassaErrorBody.self, from: Data(self.body.readableBytesView))
        }
    }

    /// The longest idempotence key sent (YooKassa's limit is commonly cited as 64; unverified).
    static let maxIdempotencyKeyLength = 64

    /// Sends `call` to `path`, repeating what may be repeated, and decodes the answer.
    func send<Reply: Decodable>(_ call: Call, _ path: String) async throws -> Reply {
        let request = try self.request(call, path)
        let retries = self.config.retries
        var attempt = 1
        while true {
            let failure: ProviderError
            let wait: Duration
            do {
                let answer = try await self.attempt(request)
                switch answer.status {
                case 202:
                    failure = ProviderError(
                        .unavailable,
                        provider: "YooKassa",
                        message: "YooKassa was still processing the request after \(attempt) attempts",
                        httpStatus: 202
                    )
                    wait = retries.retryAfter(milliseconds: answer.errorBody?.retryAfter)
                case 200..<300:
                    return try self.decode(Reply.self, answer)
                case 429:
                    failure = self.error(answer)
                    let retryAfter = answer.errorBody?.retryAfter
                    wait = retryAfter.map { retries.retryAfter(milliseconds: $0) } ?? retries.backoff(after: attempt)
                case 500...:
                    failure = self.error(answer)
                    wait = retries.backoff(after: attempt)
                default:
                    throw self.error(answer)
                }
            } catch let error as ProviderError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                failure = self.transportError(error)
                wait = retries.backoff(after: attempt)
            }
            guard attempt < retries.maxAttempts else { throw failure }
            self.logger.debug(
                "YooKassa call not done, repeating it with the same idempotence key",
                metadata: ["path": "\(path)", "attempt": "\(attempt)", "error": "\(failure)", "wait": "\(wait)"]
            )
            try await self.sleep(wait)
            attempt += 1
        }
    }

    private func request(_ call: Call, _ path: String) throws(ProviderError) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: self.config.baseURL + path)
        let credentials = Data("\(self.config.shopID):\(self.config.secretKey.value)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Accept", value: "application/json")
        switch call {
        case .get(let query):
            request.method = .GET
            if !query.isEmpty {
                request.url +=
                    "?"
                    + query.map { "\(Self.percentEncoded($0))=\(Self.percentEncoded($1))" }
                    .joined(separator: "&")
            }
        case .post(let body, let key):
            guard !key.isEmpty, key.utf8.count <= Self.maxIdempotencyKeyLength,
                key.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline })
            else {
                throw ProviderError(
                    .invalid,
                    provider: "YooKassa",
                    message: "Idempotence-Key: 1 to \(Self.maxIdempotencyKeyLength) visible ASCII characters",
                    param: "Idempotence-Key"
                )
            }
            request.method = .POST
            request.headers.add(name: "Idempotence-Key", value: key)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    private func attempt(_ request: HTTPClientRequest) async throws -> Answer {
        let timeout = self.config.requestTimeout.components
        let nanoseconds = timeout.seconds * 1_000_000_000 + timeout.attoseconds / 1_000_000_000
        let response = try await self.httpClient.execute(request, timeout: .nanoseconds(nanoseconds))
        let body = try await response.body.collect(upTo: self.config.maxResponseBytes)
        return Answer(status: Int(response.status.code), body: body)
    }

    private func decode<Reply: Decodable>(_ type: Reply.Type, _ answer: Answer) throws(ProviderError) -> Reply {
        do {
            return try YooKassaJSON.decoder().decode(Reply.self, from: Data(answer.body.readableBytesView))
        } catch {
            throw ProviderError(
                .unexpected,
                provider: "YooKassa",
                message: "YooKassa answered \(answer.status) with a body Souk cannot read as \(Reply.self)",
                httpStatus: answer.status
            )
        }
    }

    /// The ``ProviderError`` for a YooKassa error answer, by its HTTP status, then its `parameter`
    /// (providers.md §2.6).
    func error(_ answer: Answer) -> ProviderError {
        let object = answer.errorBody
        let status = answer.status
        let parameter = object?.parameter.flatMap { $0.isEmpty ? nil : $0 }
        let code: ProviderError.Code
        let summary: String
        switch status {
        case 400 where parameter == "Idempotence-Key" && Self.isDuplicateKey(object?.description):
            (code, summary) = (.conflict, "YooKassa refused an idempotence key reused with another request")
        case 400, 405, 409, 413, 415, 422:
            (code, summary) = (.invalid, "YooKassa refused the request")
        case 401:
            (code, summary) = (.misconfigured, "YooKassa refused Souk's shop id or secret key")
        case 403:
            (code, summary) = (.misconfigured, "YooKassa does not allow this shop the operation")
        case 404:
            (code, summary) = (.notFound, "YooKassa has no such object")
        case 429:
            (code, summary) = (.unavailable, "YooKassa is limiting the request rate")
        case 500...:
            (code, summary) = (.unavailable, "YooKassa is unavailable (HTTP \(status))")
        default:
            (code, summary) = (.unexpected, "YooKassa answered HTTP \(status)")
        }
        var message = summary
        if let parameter { message += " (\(parameter))" }
        if let text = object?.description, !text.isEmpty { message += ": " + text }
        return ProviderError(
            code,
            provider: "YooKassa",
            message: message,
            param: parameter,
            providerCode: object?.code,
            httpStatus: status
        )
    }

    /// Whether YooKassa's description says the key was used before with another request.
    private static func isDuplicateKey(_ description: String?) -> Bool {
        guard let description = description?.lowercased() else { return false }
        return description.contains("duplicate")
    }

    /// No answer: the connection failed or the attempt outlived ``Config/requestTimeout``.
    private func transportError(_ error: any Error) -> ProviderError {
        let what: String =
            switch error {
            case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
                "YooKassa did not answer within \(self.config.requestTimeout)"
            case let error as HTTPClientError where error == .connectTimeout:
                "YooKassa could not be reached within the connect timeout"
            default:
                "YooKassa could not be reached (\(type(of: error)))"
            }
        return ProviderError(.unavailable, provider: "YooKassa", message: what)
    }

    /// `text` with everything but RFC 3986's unreserved characters percent-encoded.
    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return encoded
    }
}
