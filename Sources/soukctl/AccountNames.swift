import GRPCCore
import SoukAPI

/// People as tables show them: the email address of each account id, looked up once over one connection. An id
/// stays as it is when the caller may not read that account (a customer sees staff by id).
struct AccountNames: Sendable {
    private let emails: [String: String]

    /// Looks up every distinct id of `ids`: the caller's own account, then the others (which needs `accounts.read`).
    static func lookUp(_ ids: some Sequence<String>, session: Session) async throws -> AccountNames {
        let wanted = Set(ids.filter { !$0.isEmpty })
        guard !wanted.isEmpty else { return AccountNames(emails: [:]) }
        let emails = try await session.authenticated { api in
            var emails: [String: String] = [:]
            let me = try await api.identity.getMyAccount(.init(), options: api.options).account
            emails[me.id] = me.email
            for id in wanted.sorted() where emails[id] == nil {
                var request = Souk_Identity_V1_GetAccountRequest()
                request.accountID = id
                do {
                    emails[id] = try await api.identity.getAccount(request, options: api.options).account.email
                } catch let error as RPCError where [.permissionDenied, .notFound].contains(error.code) {
                    // Not readable by this caller, or gone: the id is all there is to show.
                }
            }
            return emails
        }
        return AccountNames(emails: emails)
    }

    /// The email of `id`, or `id` when it was not found.
    func name(_ id: String) -> String { self.emails[id] ?? id }

    /// Every customer and history actor of `orders`.
    static func lookUp(in orders: [Souk_Catalog_V1_Order], session: Session) async throws -> AccountNames {
        try await Self.lookUp(
            orders.flatMap { [$0.customerAccountID] + $0.history.map(\.actorAccountID) },
            session: session
        )
    }
}
