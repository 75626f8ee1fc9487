import Foundation
import GRPCCore
import SoukAPI
import SoukDomain
import SwiftProtobuf

/// How an order is delivered, as stored: the quote it was placed with and its address, sealed.
struct OrderShipping: Sendable {
    /// The quote as placed, without the address.
    var details: Souk_Catalog_V1_OrderShipping
    /// The delivery address (a serialized `souk.identity.v1.Address`) sealed under the data key ring.
    var sealedAddress: String

    var priceMinor: Int64 { self.details.price.minorUnits }

    /// What the address is bound to when sealed: a sealed address copied to another order does not open.
    static func sealingContext(order: UUID) -> String {
        "order/\(order.uuidString.lowercased())/delivery_address"
    }

    /// `details` with `address` sealed for `order`.
    init(
        details: Souk_Catalog_V1_OrderShipping,
        address: Souk_Identity_V1_Address,
        order: UUID,
        ring: DataKeyRing
    )
        throws
    {
        var details = details
        details.clearAddress()
        self.details = details
        let bytes: [UInt8] = try address.serializedBytes()
        self.sealedAddress = try ring.seal(
            Data(bytes).base64EncodedString(),
            context: Self.sealingContext(order: order)
        )
    }

    init(details: Souk_Catalog_V1_OrderShipping, sealedAddress: String) {
        self.details = details
        self.sealedAddress = sealedAddress
    }

    /// The address, opened.
    func address(order: UUID, ring: DataKeyRing) throws -> Souk_Identity_V1_Address {
        let text = try ring.open(self.sealedAddress, context: Self.sealingContext(order: order))
        guard let bytes = Data(base64Encoded: text) else {
            throw CatalogError(.dataLoss, "order \(order): its delivery address is malformed")
        }
        return try Souk_Identity_V1_Address(serializedBytes: bytes)
    }
}
