import Foundation
import GRPCCore
import SoukAccess

extension Caller {
    /// The account id of the signed-in caller of the current call; UNAUTHENTICATED naming `what` (the cart, the
    /// orders) when there is none. The policy table already guarantees a caller wherever this is used.
    static func signedInAccount(owning what: String) throws -> UUID {
        guard let caller = Caller.current, let id = UUID(uuidString: caller.accountID) else {
            throw CatalogError(.unauthenticated, "\(what) belong to a signed-in person")
        }
        return id
    }
}
