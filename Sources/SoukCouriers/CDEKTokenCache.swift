/// CDEK's OAuth access token, shared by every copy of a ``CDEKClient``: fetched when first needed, replaced a
/// margin before it expires or when CDEK refuses it, with one fetch in flight at a time (callers arriving during
/// a fetch wait for its result).
actor CDEKTokenCache {
    /// A token and when (on the client's clock) to stop using it.
    struct Token {
        var value: String
        var refreshAt: Duration
    }

    /// What the cache holds.
    enum State {
        /// No token: the next caller fetches one. Goes to `fetching`.
        case empty
        /// A token to use until its `refreshAt`. Goes to `fetching` when that passes, or to `empty` when
        /// ``invalidate(_:)`` names it.
        case valid(Token)
        /// A fetch is in flight; these callers wait for it. Goes to `valid`, or to `empty` if it failed.
        case fetching([CheckedContinuation<String, any Error>])
    }

    private var state = State.empty

    /// A token valid at `now`, fetching one with `fetch` (which answers the token and its lifetime) when needed.
    func token(now: Duration, fetch: @Sendable () async throws -> (String, lifetime: Duration)) async throws -> String {
        switch self.state {
        case .valid(let token) where now < token.refreshAt:
            return token.value
        case .fetching(var waiters):
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    waiters.append(continuation)
                    self.state = .fetching(waiters)
                }
            } catch is CancellationError where !Task.isCancelled {
                // The caller that was fetching was cancelled, not this one: fetch again.
                return try await self.token(now: now, fetch: fetch)
            }
        case .empty, .valid:
            self.state = .fetching([])
            let result: Result<(String, lifetime: Duration), any Error>
            do {
                result = .success(try await fetch())
            } catch {
                result = .failure(error)
            }
            guard case .fetching(let waiters) = self.state else { preconditionFailure("only a fetch ends a fetch") }
            switch result {
            case .success(let (value, lifetime)):
                self.state = .valid(Token(value: value, refreshAt: now + lifetime))
                for waiter in waiters { waiter.resume(returning: value) }
                return value
            case .failure(let error):
                self.state = .empty
                for waiter in waiters { waiter.resume(throwing: error) }
                throw error
            }
        }
    }

    /// Forgets `token` (CDEK refused it) unless it was already replaced.
    func invalidate(_ token: String) {
        if case .valid(let held) = self.state, held.value == token { self.state = .empty }
    }
}
