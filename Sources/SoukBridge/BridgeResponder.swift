package import GRPCCore
package import Hummingbird
package import Logging
import NIOCore

/// Answers Connect unary calls (`POST /package.Service/Method`) by forwarding them to the services over
/// `client`.
///
/// A request is checked completely before anything is sent upstream: the verb, the method, the content type
/// (`application/json` or `application/proto`), `Connect-Timeout-Ms`, the body size and the body itself.
/// `Authorization: Bearer …` is forwarded as `authorization` metadata; no other header is. Browsers sign in
/// with `POST /session/login` instead and get an HttpOnly, SameSite=Strict `souk_session` cookie; a call
/// carrying it needs the session's `X-CSRF-Token` and is forwarded with the session's access token (see
/// ``SessionStore``); once the session has ended, a unary call is forwarded as a visitor's, the cookie cleared and
/// `Souk-Session: ended` sent with the answer. CORS answers only the configured origins. Payment providers and couriers post their
/// notifications to `/webhooks/stripe`, `/webhooks/yookassa`, `/webhooks/cdek` and `/webhooks/easypost`, forwarded
/// without any session (see `webhook(_:remoteAddress:)`).
///
/// ```swift
/// try await SoukConnection.withConnection(to: endpoint) { client in
///     let app = Application(responder: BridgeResponder(client: client, config: .defaults, logger: logger))
///     try await app.runService()
/// }
/// ```
package struct BridgeResponder<Transport: ClientTransport>: HTTPResponder {
    package typealias Context = BridgeRequestContext

    let client: GRPCClient<Transport>
    let config: BridgeConfig
    let methods: BridgeMethods
    let logger: Logger
    /// The admin page's files, served at `/` when given.
    let assets: WebAssets?
    /// The cookie sessions.
    package let sessions: SessionStore
    /// Where each request is counted and timed; nil measures nothing.
    let metrics: BridgeMetrics?

    /// A responder forwarding `methods` through `client` and serving `assets` (the admin page) at `/`; one access
    /// log line per request goes to `logger`.
    package init(
        client: GRPCClient<Transport>,
        config: BridgeConfig = .defaults,
        methods: BridgeMethods = .souk,
        sessions: SessionStore? = nil,
        assets: WebAssets? = nil,
        metrics: BridgeMetrics? = nil,
        logger: Logger
    ) {
        self.assets = assets
        self.client = client
        self.config = config
        self.methods = methods
        self.logger = logger
        self.metrics = metrics
        self.sessions =
            sessions
            ?? SessionStore(
                idleTimeout: config.sessionIdleTimeout,
                onCountChange: { count in metrics?.sessionsChanged(to: count) }
            )
    }

    package func respond(to request: Request, context: Context) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var response: Response
        do {
            response = try await self.route(request, context: context)
        } catch is SessionEnded {
            response = ConnectError(.unauthenticated, "session: expired or unknown, sign in again").response(
                extraHeaders: [.setCookie: self.clearingCookie]
            )
        } catch let error as ConnectError {
            response = error.response(extraHeaders: Self.headers(for: error))
        } catch let error as RPCError {
            response = ConnectError(error).response()
        } catch {
            response = ConnectError(.internal, "internal error").response()
        }
        self.addCORSHeaders(to: &response, for: request)
        Self.addSecurityHeaders(to: &response)
        let elapsed = clock.now - start
        self.metrics?.record(Self.routeClass(of: request), status: response.status.code, after: elapsed)
        // The access log: never the body, never the Authorization header, never the query.
        self.logger.info(
            "connect request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.path": "\(request.uri.path)",
                "http.status": "\(response.status.code)",
                "http.response_bytes": "\(response.body.contentLength ?? 0)",
                "duration_us":
                    "\(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)",
            ]
        )
        return response
    }

    /// The route class `request` is counted under, by the same rules as ``route(_:context:)``.
    static func routeClass(of request: Request) -> BridgeMetrics.Route {
        if request.method == .options { return .preflight }
        switch request.uri.path {
        case "/session/login", "/session/logout", "/session": return .session
        case let path where path.hasPrefix(Self.webhookPrefix): return .webhook
        case _ where request.method == .get || request.method == .head: return .page
        default: return .connect
        }
    }

    private func route(_ request: Request, context: Context) async throws -> Response {
        try self.checkHeaderSize(request.headers)
        if request.method == .options { return self.preflight(request) }
        switch request.uri.path {
        case "/session/login", "/session/logout", "/session":
            return try await self.sessionEndpoint(request)
        case let path where path.hasPrefix(Self.webhookPrefix):
            // Providers, not browsers: no cookie, CSRF token or bearer token is read or forwarded.
            return await self.webhook(request, remoteAddress: context.remoteAddress)
        case let path where request.method == .get || request.method == .head:
            // Connect unary calls are POSTs, so a GET is for the page: its file, or 404.
            guard let assets = self.assets else { return try await self.call(request) }
            return assets.response(path: path, headOnly: request.method == .head) ?? WebAssets.notFound(path)
        default:
            return try await self.call(request)
        }
    }

    /// Every answer's headers: no caching unless the answer says otherwise (calls and `GET /session` carry personal
    /// data and the CSRF token; the page's files say `no-cache`), no type sniffing, no referrer beyond the origin.
    static func addSecurityHeaders(to response: inout Response) {
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
    }

    /// Sent with `ended` when a call was answered as a visitor's because its cookie session had ended.
    static var sessionStatusHeader: HTTPFields.Element.Name { HTTPFields.Element.Name("Souk-Session")! }

    private func call(_ request: Request) async throws -> Response {
        let path = request.uri.path
        guard request.method == .post else {
            throw ConnectError(
                .unimplemented,
                "method: \(request.method.rawValue) is not supported, use POST",
                httpStatus: 405
            )
        }
        if let codec = request.headers[.contentType].flatMap(ConnectStreamCodec.codec(contentType:)) {
            if let method = BridgeStreamMethods.souk[String(path.dropFirst())] {
                return await self.stream(request, method: method, codec: codec)
            }
            if let method = BridgeClientStreamMethods.souk[String(path.dropFirst())] {
                return await self.clientStream(request, method: method, codec: codec)
            }
        }
        guard path.hasPrefix("/"), let method = self.methods[String(path.dropFirst())] else {
            throw ConnectError(.unimplemented, "path: no such method \(path.prefix(100))", httpStatus: 404)
        }
        guard let codec = request.headers[.contentType].flatMap(ConnectCodec.init(contentType:)) else {
            throw ConnectError(
                .unimplemented,
                "content-type: use application/json or application/proto",
                httpStatus: 415
            )
        }
        var options = CallOptions.defaults
        options.timeout = min(try Self.timeout(request.headers) ?? self.config.callTimeout, self.config.callTimeout)
        // A session that has ended leaves a visitor: a public call (browsing the shop) is still answered, and the
        // cookie is cleared; a call that needs the session says it ended.
        let metadata: Metadata
        let sessionEnded: Bool
        do {
            metadata = try await self.authorization(request)
            sessionEnded = false
        } catch is SessionEnded {
            metadata = [:]
            sessionEnded = true
        }
        let body = try await self.collect(request)
        let reply: [UInt8]
        do {
            reply = try await method.forward(
                body: body,
                codec: codec,
                metadata: metadata,
                options: options,
                client: self.client
            )
        } catch let error as RPCError where sessionEnded && error.code == .unauthenticated {
            throw SessionEnded()
        }
        var headers: HTTPFields = [.contentType: codec.contentType]
        if sessionEnded {
            // The page learns that its session is over even though this call was answered.
            headers[.setCookie] = self.clearingCookie
            headers[Self.sessionStatusHeader] = "ended"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply)))
    }

    /// A Connect server stream: every refusal after the content type is an end-stream error in a 200 response.
    private func stream(
        _ request: Request,
        method: any BridgeStreamMethodProtocol,
        codec: ConnectCodec
    ) async -> Response {
        do {
            var options = CallOptions.defaults
            options.timeout = try Self.timeout(request.headers)
            let metadata = try await self.authorization(request)
            let message = try ConnectStreamCodec.unenvelope(try await self.collect(request))
            let body = try method.stream(
                message: message,
                codec: codec,
                metadata: metadata,
                options: options,
                heartbeat: self.config.streamHeartbeat,
                client: self.client
            )
            return Response(status: .ok, headers: [.contentType: ConnectStreamCodec.contentType(codec)], body: body)
        } catch {
            return self.streamRefusal(error, codec: codec)
        }
    }

    /// A Connect client stream: the body's envelopes go upstream as they arrive (each at most
    /// ``BridgeConfig/maxBodyBytes``, all together at most ``BridgeConfig/maxUploadBytes``); every refusal is an
    /// end-stream error in a 200 response.
    private func clientStream(
        _ request: Request,
        method: any BridgeClientStreamMethodProtocol,
        codec: ConnectCodec
    ) async -> Response {
        let headers: HTTPFields = [.contentType: ConnectStreamCodec.contentType(codec)]
        do {
            var options = CallOptions.defaults
            options.timeout = try Self.timeout(request.headers)
            let metadata = try await self.authorization(request)
            let body = await method.forward(
                body: request.body,
                reader: ConnectEnvelopeReader(
                    maxMessageBytes: self.config.maxBodyBytes,
                    maxTotalBytes: self.config.maxUploadBytes
                ),
                codec: codec,
                metadata: metadata,
                options: options,
                client: self.client
            )
            return Response(status: .ok, headers: headers, body: body)
        } catch {
            return self.streamRefusal(error, codec: codec)
        }
    }

    /// A stream refused before it started: 200 with only the end-stream envelope; an ended session also clears
    /// the cookie.
    private func streamRefusal(_ error: any Error, codec: ConnectCodec) -> Response {
        switch error {
        case is SessionEnded:
            var response = ConnectStreamCodec.failed(
                ConnectError(.unauthenticated, "session: expired or unknown, sign in again"),
                codec: codec
            )
            response.headers[.setCookie] = self.clearingCookie
            return response
        case let error as ConnectError:
            return ConnectStreamCodec.failed(error, codec: codec)
        case let error as RPCError:
            return ConnectStreamCodec.failed(ConnectError(error), codec: codec)
        default:
            return ConnectStreamCodec.failed(ConnectError(.internal, "internal error"), codec: codec)
        }
    }

    /// The `authorization` metadata for a call: the request's bearer token, or the cookie session's access token
    /// (which needs the session's CSRF token, and is refreshed first when near expiry), or none.
    private func authorization(_ request: Request) async throws -> Metadata {
        var metadata: Metadata = [:]
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            metadata.addString(authorization, forKey: "authorization")
        } else if let id = Self.sessionCookie(request.headers) {
            let token = try await self.sessionAccessToken(id, request: request)
            metadata.addString("Bearer \(token)", forKey: "authorization")
        }
        return metadata
    }

    /// Refuses a request whose header fields together pass ``BridgeConfig/maxHeaderBytes`` with 431, naming the
    /// largest field (never quoting it).
    func checkHeaderSize(_ headers: HTTPFields) throws {
        var total = 0
        var largest: (name: String, bytes: Int) = ("", 0)
        for field in headers {
            let bytes = field.name.rawName.utf8.count + field.value.utf8.count
            total += bytes
            if bytes > largest.bytes { largest = (field.name.canonicalName, bytes) }
        }
        guard total > self.config.maxHeaderBytes else { return }
        throw ConnectError(
            .resourceExhausted,
            "headers: \(total) bytes, over the limit of \(self.config.maxHeaderBytes) (the largest is \(largest.name), \(largest.bytes) bytes)",
            httpStatus: 431
        )
    }

    /// The body, refused at once when its announced `Content-Length` is over ``BridgeConfig/maxBodyBytes`` (nothing
    /// of it read), else once what arrives passes it (before reading the rest).
    func collect(_ request: Request) async throws -> [UInt8] {
        let tooLarge = ConnectError(.resourceExhausted, "body: larger than \(self.config.maxBodyBytes) bytes")
        if let announced = request.headers[.contentLength].flatMap(Int.init), announced > self.config.maxBodyBytes {
            throw tooLarge
        }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= self.config.maxBodyBytes else { throw tooLarge }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    /// `Connect-Timeout-Ms`: at most 10 digits, as the Connect specification says.
    private static func timeout(_ headers: HTTPFields) throws -> Duration? {
        // HTTPTypes is not imported by name (Hummingbird re-exports only the structs it needs), so match the
        // field by its lowercase canonical name.
        guard let value = headers.first(where: { $0.name.canonicalName == "connect-timeout-ms" })?.value else {
            return nil
        }
        guard (1...10).contains(value.count), value.allSatisfy({ $0.isASCIIDigit }), let milliseconds = Int64(value)
        else {
            throw ConnectError(.invalidArgument, "connect-timeout-ms: not 1 to 10 digits")
        }
        return .milliseconds(milliseconds)
    }

    private static func headers(for error: ConnectError) -> HTTPFields {
        error.httpStatus == 405 ? [.allow: "POST"] : [:]
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
