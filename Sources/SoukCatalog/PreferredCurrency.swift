import GRPCCore
import SoukAPI
import SoukAccess
import SoukMoney

/// The signed-in caller's preferred currency as identity has it now, read on their behalf with their own token:
/// the default of carts and orders that name no currency, so both follow a profile change at once (the token's
/// claim is only as fresh as the token).
struct PreferredCurrency: Sendable {
    /// Identity's client; nil only for a service built without one (tests of the store seam).
    let identity: (any Souk_Identity_V1_IdentityService.ClientProtocol)?

    /// The caller's preferred currency; nil when there is no identity client to ask.
    ///
    /// - Throws: UNAUTHENTICATED or UNAVAILABLE (saying the currency was not given and could not be read) when
    ///   identity refuses or cannot be reached, never a guess; FAILED_PRECONDITION when the profile names a currency
    ///   Souk does not support.
    func current() async throws -> Currency? {
        guard let identity = self.identity else { return nil }
        guard let caller = Caller.current else {
            throw CatalogError(.unauthenticated, "currency: not given, and there is no signed-in person to ask about")
        }
        let account: Souk_Identity_V1_AccountResponse
        do {
            account = try await identity.getMyAccount(.init(), metadata: caller.onBehalfMetadata)
        } catch let error as RPCError {
            throw RPCError(
                code: error.code == .unauthenticated ? .unauthenticated : .unavailable,
                message: "currency: not given, and the preferred currency could not be read: \(error.message)"
            )
        }
        guard let currency = try? Currency.named(account.account.preferredCurrency) else {
            throw CatalogError.failedPrecondition(
                "currency: not given, and the profile's preferred currency '\(account.account.preferredCurrency.prefix(8))' is not supported"
            )
        }
        return currency
    }
}
