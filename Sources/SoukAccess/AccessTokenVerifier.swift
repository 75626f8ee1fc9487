package import Foundation
import GRPCCore
import JWTKit
import NIOConcurrencyHelpers

/// A public key that may have signed live access tokens.
package struct PublicSigningKey: Sendable, Hashable {
    /// The JWT `kid`.
    package var id: String
    /// The raw 32-byte Ed25519 public key.
    package var rawKey: [UInt8]

    package init(id: String, rawKey: [UInt8]) {
        self.id = id
        self.rawKey = rawKey
    }
}

/// Sessions revoked after a point in time, as the database saw them.
package struct RevokedSessions: Sendable {
    /// The database's clock when it answered: the next question asks from (a little before) here.
    package var asOf: Date
    /// Each revoked session's id (lowercase, as tokens carry it) and when it was revoked.
    package var sessions: [(id: String, revokedAt: Date)]

    package init(asOf: Date, sessions: [(id: String, revokedAt: Date)]) {
        self.asOf = asOf
        self.sessions = sessions
    }
}

/// Checks access tokens: the header must name EdDSA and a key we know (keys are reloaded from `keySource` when
/// an unknown `kid` appears, at most once a second, so a rotation elsewhere is picked up), the signature must
/// verify, and the token must come from ``AccessClaims/issuer`` and not be expired by `now` (the host's wall
/// clock, which tests move by hand).
///
/// With a `revocationSource`, a token of a session revoked since (logout, a session revoked by its owner, a
/// password change, a disabled account, changed roles) is refused too, in every process: the verifier asks for
/// sessions revoked since its last question at most once per `revocationInterval`, so a revocation takes effect
/// everywhere within about that long instead of when the token expires.
package final class AccessTokenVerifier: Sendable {
    private let keySource: @Sendable () async throws -> [PublicSigningKey]
    private let revocationSource: (@Sendable (_ since: Date?) async throws -> RevokedSessions)?
    /// The date a token's expiry is checked against.
    private let now: @Sendable () -> Date
    private let keys = JWTKeyCollection()
    private let state = NIOLockedValueBox(State())
    private let reloadInterval: Duration
    private let revocationInterval: Duration
    /// How long a revoked session is remembered: longer than any access token lives.
    private let revocationMemory: TimeInterval

    private struct State {
        var known: Set<String> = []
        var lastReload: ContinuousClock.Instant?
        /// Whether a reload is under way, which callers that find a key unknown meanwhile wait for.
        var reloading = false
        var revoked: [String: Date] = [:]
        var revocationsAsOf: Date?
        var lastRevocationCheck: ContinuousClock.Instant?
    }

    /// - Parameters:
    ///   - keySource: reads the current public keys (the identity schema's signing keys).
    ///   - revocationSource: reads the sessions revoked after a time (nil: those of the last `revocationMemory`).
    ///   - revocationMemory: longer than the access tokens' lifetime.
    ///   - now: the current date tokens expire by (the host's wall clock).
    package init(
        reloadInterval: Duration = .seconds(1),
        revocationInterval: Duration = .seconds(1),
        revocationMemory: Duration = .seconds(20 * 60),
        keySource: @escaping @Sendable () async throws -> [PublicSigningKey],
        revocationSource: (@Sendable (_ since: Date?) async throws -> RevokedSessions)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.keySource = keySource
        self.now = now
        self.revocationSource = revocationSource
        self.reloadInterval = reloadInterval
        self.revocationInterval = revocationInterval
        self.revocationMemory = TimeInterval(revocationMemory.components.seconds)
    }

    /// The verified claims of `token`; throws `RPCError(.unauthenticated)` saying what is wrong, never why in
    /// more detail than a client can act on.
    package func verify(_ token: String) async throws -> AccessClaims {
        let header = try Self.header(of: token)
        guard header.alg == "EdDSA" else {
            throw RPCError(code: .unauthenticated, message: "the access token's algorithm is not accepted")
        }
        guard let kid = header.kid, !kid.isEmpty else {
            throw RPCError(code: .unauthenticated, message: "the access token names no signing key")
        }
        if !self.isKnown(kid) { try await self.reload() }
        guard self.isKnown(kid) else {
            throw RPCError(code: .unauthenticated, message: "the access token was signed by an unknown key")
        }
        let claims: AccessClaims
        do {
            claims = try await self.keys.verify(token, as: SignedClaims.self).claims
        } catch {
            throw RPCError(code: .unauthenticated, message: "the access token's signature does not verify")
        }
        do {
            try claims.verify(at: self.now())
        } catch {
            throw RPCError(code: .unauthenticated, message: "the access token has expired or is not ours")
        }
        if let session = claims.sid, self.revocationSource != nil {
            try await self.updateRevocationsIfDue()
            if self.state.withLockedValue({ $0.revoked[session] != nil }) {
                throw RPCError(code: .unauthenticated, message: "the session has ended; sign in again")
            }
        }
        return claims
    }

    /// Asks for the sessions revoked since the last answer, unless it was asked within `revocationInterval`.
    private func updateRevocationsIfDue() async throws {
        guard let source = self.revocationSource else { return }
        let since = self.state.withLockedValue { state -> Date?? in
            if let last = state.lastRevocationCheck, ContinuousClock.now - last < self.revocationInterval {
                return .none
            }
            state.lastRevocationCheck = .now
            // Ten seconds of overlap: a revocation's time is its transaction's start, which may come before the
            // previous answer's clock although it committed after it.
            return .some(state.revocationsAsOf.map { $0.addingTimeInterval(-10) })
        }
        guard case .some(let from) = since else { return }
        let answer: RevokedSessions
        do {
            answer = try await source(from)
        } catch {
            self.state.withLockedValue { $0.lastRevocationCheck = nil }
            throw RPCError(code: .unavailable, message: "cannot check the session now; try again")
        }
        self.state.withLockedValue { state in
            for session in answer.sessions { state.revoked[session.id] = session.revokedAt }
            let horizon = answer.asOf.addingTimeInterval(-self.revocationMemory)
            state.revoked = state.revoked.filter { $0.value > horizon }
            state.revocationsAsOf = answer.asOf
        }
    }

    /// Reloads the key set now (after a rotation in this process).
    ///
    /// At most once per `reloadInterval`; a caller that comes while a reload is under way waits for it, so two
    /// first calls signed by a new key both find it.
    package func reload() async throws {
        enum Step { case reload, wait, nothing }
        let step = self.state.withLockedValue { state -> Step in
            if state.reloading { return .wait }
            if let last = state.lastReload, ContinuousClock.now - last < self.reloadInterval { return .nothing }
            state.lastReload = .now
            state.reloading = true
            return .reload
        }
        switch step {
        case .reload:
            // In the caller's own task, so a cancelled call stops waiting on the database.
            defer { self.state.withLockedValue { $0.reloading = false } }
            try await self.forceReload()
        case .wait:
            // Another call is reloading: wait for it (ten seconds at most, cancellable) instead of refusing a key
            // it is about to learn.
            for _ in 0..<1000 where self.state.withLockedValue({ $0.reloading }) {
                try await Task.sleep(for: .milliseconds(10))
            }
        case .nothing:
            return
        }
    }

    /// Reloads the key set regardless of the interval.
    package func forceReload() async throws {
        let current = try await self.keySource()
        for key in current where !self.isKnown(key.id) {
            let publicKey = try EdDSA.PublicKey(x: Self.base64URL(key.rawKey), curve: .ed25519)
            await self.keys.add(eddsa: publicKey, kid: JWKIdentifier(string: key.id))
        }
        self.state.withLockedValue { state in
            state.known.formUnion(current.map(\.id))
            state.lastReload = .now
        }
    }

    private func isKnown(_ kid: String) -> Bool {
        self.state.withLockedValue { $0.known.contains(kid) }
    }

    /// Access claims whose signature JWTKit checks, leaving the claims to ``AccessClaims/verify(at:)``: JWTKit
    /// would check the expiry against the system's date, not `now`.
    private struct SignedClaims: JWTPayload {
        var claims: AccessClaims

        init(from decoder: any Decoder) throws {
            self.claims = try AccessClaims(from: decoder)
        }

        func encode(to encoder: any Encoder) throws {
            try self.claims.encode(to: encoder)
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    private static func header(of token: String) throws -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, token.utf8.count <= 8192, let data = Self.unbase64URL(String(parts[0])),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else {
            throw RPCError(code: .unauthenticated, message: "the access token is malformed")
        }
        return header
    }

    /// Base64url without padding (RFC 7515).
    package static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
