import Foundation
package import SoukAPI

/// Order statuses as typed on the command line (`pending_payment`, `paid`, …) and the forward path
/// pending_payment → paid → packed → shipped → delivered.
package enum OrderStatusName {
    /// Every status by its name.
    package static let all: [(String, Souk_Catalog_V1_OrderStatus)] = [
        ("pending_payment", .pendingPayment), ("paid", .paid), ("packed", .packed), ("shipped", .shipped),
        ("delivered", .delivered), ("cancelled", .cancelled), ("refunded", .refunded),
    ]

    /// The status named `text` (case-insensitive; `-` may stand for `_`).
    ///
    /// - Throws: ``CtlError`` (usage) listing the names.
    package static func parse(_ text: String) throws -> Souk_Catalog_V1_OrderStatus {
        let key = text.lowercased().replacingOccurrences(of: "-", with: "_")
        guard let status = Self.all.first(where: { $0.0 == key })?.1 else {
            throw CtlError(
                .usage,
                "'\(text.prefix(40))' is not an order status",
                hint: "use one of \(Self.all.map(\.0).joined(separator: ", "))"
            )
        }
        return status
    }

    /// The name of `status`, e.g. `pending_payment`.
    package static func name(_ status: Souk_Catalog_V1_OrderStatus) -> String {
        Self.all.first(where: { $0.1 == status })?.0 ?? "unspecified"
    }

    /// The next status along the forward path, or nil when `status` is delivered or final.
    package static func next(after status: Souk_Catalog_V1_OrderStatus) -> Souk_Catalog_V1_OrderStatus? {
        switch status {
        case .pendingPayment: .paid
        case .paid: .packed
        case .packed: .shipped
        case .shipped: .delivered
        default: nil
        }
    }
}
