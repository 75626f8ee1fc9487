import Synchronization

/// A credential renewed before it expires, with one renewal at a time shared by every caller who needs it.
///
/// The token sources keep their credential here: ``RotatingTokenSource`` a sign-in's pair (whose refresh token
/// must never be sent twice), ``ClientCredentialsTokenSource`` a service account's token. The renewal runs in a
/// task of its own so that a caller who gives up does not cancel it for the others (or lose a rotated pair).
final class TokenRenewal<Credential: Sendable>: Sendable {
    /// How a renewal ended the credential for good, or nil when the next caller may try again.
    typealias Ending = @Sendable (any Error) -> SignInEnded?

    private struct State {
        var credential: Credential?
        var renewal: Task<Credential, any Error>?
        var ended: SignInEnded?
    }

    private enum Next {
        case use(Credential)
        case wait(Task<Credential, any Error>)
        case ended(SignInEnded)
    }

    private let state: Mutex<State>
    private let ending: Ending

    /// Starts from `credential` (nil: the first caller renews).
    init(_ credential: Credential?, ending: @escaping Ending) {
        self.state = Mutex(State(credential: credential))
        self.ending = ending
    }

    /// The current credential, if any.
    var current: Credential? {
        self.state.withLock { $0.credential }
    }

    /// Whether the credential has ended for good.
    var endedReason: SignInEnded? {
        self.state.withLock { $0.ended }
    }

    /// Ends the credential for good (its refresh token expired, say).
    func end(_ reason: SignInEnded) {
        self.state.withLock { $0.ended = $0.ended ?? reason }
    }

    /// The credential: the current one when `isFresh` says so, else a renewal's (joining one under way).
    ///
    /// - Parameters:
    ///   - isFresh: Whether the current credential may be used as it is.
    ///   - renew: Makes a new credential from the current one.
    func credential(
        isFresh: (Credential?) -> Bool,
        renew: @escaping @Sendable (Credential?) async throws -> Credential
    ) async throws -> Credential {
        let next = self.state.withLock { state -> Next in
            if let ended = state.ended { return .ended(ended) }
            if let renewal = state.renewal { return .wait(renewal) }
            if let credential = state.credential, isFresh(credential) { return .use(credential) }
            let current = state.credential
            let renewal = Task { try await renew(current) }
            state.renewal = renewal
            return .wait(renewal)
        }
        switch next {
        case .use(let credential):
            return credential
        case .ended(let ended):
            throw ended
        case .wait(let renewal):
            do {
                let credential = try await renewal.value
                self.state.withLock { state in
                    if state.renewal == renewal {
                        state.credential = credential
                        state.renewal = nil
                    }
                }
                return credential
            } catch {
                let ended = self.ending(error)
                self.state.withLock { state in
                    if state.renewal == renewal {
                        state.renewal = nil
                        if let ended { state.ended = ended }
                    }
                }
                throw ended ?? error
            }
        }
    }
}

extension Duration {
    /// The whole milliseconds in this duration, the unit of token expiry times.
    var wholeMilliseconds: Int64 {
        self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000
    }
}
