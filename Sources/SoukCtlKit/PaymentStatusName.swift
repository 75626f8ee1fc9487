import Foundation
package import SoukAPI

/// Payment statuses as typed on the command line and printed in tables (`authorized`, `partially_refunded`, …),
/// the spelling of payments.proto without its prefix.
package enum PaymentStatusName {
    /// Every status by its name, in the order a payment moves through them.
    package static let all: [(String, Souk_Payments_V1_PaymentStatus)] = [
        ("created", .created), ("requires_action", .requiresAction), ("authorized", .authorized),
        ("captured", .captured), ("partially_refunded", .partiallyRefunded), ("refunded", .refunded),
        ("failed", .failed), ("cancelled", .cancelled), ("expired", .expired),
    ]

    /// The status named `text` (case-insensitive; `-` may stand for `_`).
    ///
    /// - Throws: ``CtlError`` (usage) listing the names.
    package static func parse(_ text: String) throws -> Souk_Payments_V1_PaymentStatus {
        let key = text.lowercased().replacingOccurrences(of: "-", with: "_")
        guard let status = Self.all.first(where: { $0.0 == key })?.1 else {
            throw CtlError(
                .usage,
                "'\(text.prefix(40))' is not a payment status",
                hint: "use one of \(Self.all.map(\.0).joined(separator: ", "))"
            )
        }
        return status
    }

    /// The name of `status`, e.g. `requires_action`.
    package static func name(_ status: Souk_Payments_V1_PaymentStatus) -> String {
        Self.all.first(where: { $0.1 == status })?.0 ?? "unspecified"
    }
}
