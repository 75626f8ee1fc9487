import Foundation
import GRPCCore
import GRPCProtobuf
import Hummingbird
import NIOCore
import SoukAPI
import SwiftProtobuf

private typealias Identity = Souk_Identity_V1_IdentityService.Method

/// A cookie session that is unknown, expired, or whose refresh failed: 401 and the cookie cleared.
struct SessionEnded: Error {}

extension BridgeResponder {
    static var cookieName: String { "souk_session" }

    /// `POST /session/login`, `POST /session/logout`, `GET /session`.
    func sessionEndpoint(_ request: Request) async throws -> Response {
        switch (request.uri.path, request.method) {
        case ("/session/login", .post): return try await self.login(request)
        case ("/session/logout", .post): return try await self.logout(request)
        case ("/session", .get): return await self.status(request)
        default:
            let verb = request.uri.path == "/session" ? "GET" : "POST"
            throw ConnectError(
                .unimplemented,
                "method: \(request.method.rawValue) is not supported, use \(verb)",
                httpStatus: 405
            )
        }
    }

    private struct LoginBody: Decodable {
        let email: String
        let password: String
        // swift-format-ignore: AlwaysUseLowerCamelCase
        let totp_code: String?
        // swift-format-ignore: AlwaysUseLowerCamelCase
        let recovery_code: String?
    }

    private func login(_ request: Request) async throws -> Response {
        guard request.headers[.contentType].flatMap(ConnectCodec.init(contentType:)) == .json else {
            throw ConnectError(.unimplemented, "content-type: use application/json", httpStatus: 415)
        }
        let bytes = try await self.collect(request)
        let body: LoginBody
        do {
            body = try JSONDecoder().decode(LoginBody.self, from: Data(bytes))
        } catch {
            throw ConnectError(.invalidArgument, "body: expected {email, password, totp_code?}")
        }
        var login = Souk_Identity_V1_LoginRequest()
        login.email = body.email
        login.password = body.password
        login.totpCode = body.totp_code ?? ""
        login.recoveryCode = body.recovery_code ?? ""
        let reply: Souk_Identity_V1_LoginResponse = try await self.unary(Identity.Login.descriptor, login)
        let roles = Self.roleNames(reply.account)
        if let old = Self.sessionCookie(request.headers) {
            await self.sessions.remove(old)
        }
        let client = self.client
        let id = await self.sessions.create(
            tokens: reply.tokens,
            email: reply.account.email,
            roles: roles,
            margin: self.config.refreshMargin
        ) { refreshToken in
            var refresh = Souk_Identity_V1_RefreshRequest()
            refresh.refreshToken = refreshToken
            let reply: Souk_Identity_V1_RefreshResponse = try await Self.unary(
                client,
                Identity.Refresh.descriptor,
                refresh,
                metadata: [:]
            )
            return reply.tokens
        }
        let csrf = await self.sessions.session(id)?.csrfToken ?? ""
        return Self.json(
            ["signed_in": true, "csrf_token": csrf, "email": reply.account.email, "roles": roles],
            headers: [.setCookie: self.sessionCookieHeader(id)]
        )
    }

    private func logout(_ request: Request) async throws -> Response {
        guard let id = Self.sessionCookie(request.headers) else { throw SessionEnded() }
        let token = try await self.sessionAccessToken(id, request: request)
        var metadata: Metadata = [:]
        metadata.addString("Bearer \(token)", forKey: "authorization")
        // The session ends here whatever the identity service answers.
        await self.sessions.remove(id)
        let _: Souk_Identity_V1_LogoutResponse = try await self.unary(
            Identity.Logout.descriptor,
            Souk_Identity_V1_LogoutRequest(),
            metadata: metadata
        )
        return Self.json(["signed_in": false], headers: [.setCookie: self.clearingCookie])
    }

    private func status(_ request: Request) async -> Response {
        guard let id = Self.sessionCookie(request.headers), let session = await self.sessions.session(id) else {
            return Self.json(["signed_in": false])
        }
        return Self.json([
            "signed_in": true, "csrf_token": session.csrfToken, "email": session.email, "roles": session.roles,
        ])
    }

    /// The access token for a call on session `id`: the session must be live and the request must carry its
    /// CSRF token; the token is refreshed first when near expiry.
    func sessionAccessToken(_ id: String, request: Request) async throws -> String {
        guard let session = await self.sessions.session(id) else { throw SessionEnded() }
        guard let sent = request.headers.first(where: { $0.name.canonicalName == "x-csrf-token" })?.value,
            Self.constantTimeEqual(sent, session.csrfToken)
        else {
            throw ConnectError(.permissionDenied, "x-csrf-token: missing or wrong for this session")
        }
        guard let token = try await self.sessions.accessToken(id) else { throw SessionEnded() }
        return token
    }

    /// The `souk_session` cookie's value, if the request has one.
    static func sessionCookie(_ headers: HTTPFields) -> String? {
        for field in headers where field.name == .cookie {
            for pair in field.value.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                if trimmed.hasPrefix("\(Self.cookieName)=") {
                    let value = trimmed.dropFirst(Self.cookieName.count + 1)
                    return value.isEmpty ? nil : String(value)
                }
            }
        }
        return nil
    }

    func sessionCookieHeader(_ id: String) -> String {
        "\(Self.cookieName)=\(id); HttpOnly; SameSite=Strict; Path=/" + (self.config.secureCookies ? "; Secure" : "")
    }

    var clearingCookie: String {
        "\(Self.cookieName)=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
            + (self.config.secureCookies ? "; Secure" : "")
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// The role names of `account`, as its JSON mapping spells them.
    private static func roleNames(_ account: Souk_Identity_V1_Account) -> [String] {
        guard let data = try? account.jsonUTF8Data(),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        return object["roles"] as? [String] ?? []
    }

    private static func json(_ object: [String: Any], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func unary<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ descriptor: MethodDescriptor,
        _ input: Input,
        metadata: Metadata = [:]
    ) async throws -> Output {
        try await Self.unary(self.client, descriptor, input, metadata: metadata)
    }

    private static func unary<Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ client: GRPCClient<Transport>,
        _ descriptor: MethodDescriptor,
        _ input: Input,
        metadata: Metadata
    ) async throws -> Output {
        try await client.unary(
            request: ClientRequest(message: input, metadata: metadata),
            descriptor: descriptor,
            serializer: ProtobufSerializer<Input>(),
            deserializer: ProtobufDeserializer<Output>(),
            options: .defaults
        ) { response in
            try response.message
        }
    }
}
