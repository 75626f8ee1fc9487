package import Foundation

/// One status report of a shipment: the courier's own code, Souk's status for it, when and where.
package struct CourierTracking: Sendable, Hashable {
    /// Souk's status, or nil for a code with no meaning for the buyer (CDEK's unknown codes, EasyPost's
    /// `unknown`, `cancelled`, `error`).
    package var status: CourierStatus?
    /// The courier's code as sent (`TAKEN_BY_COURIER`, `out_for_delivery`).
    package var code: String
    /// When the courier says it happened.
    package var at: Date
    /// The city, when the courier names one.
    package var city: String?
    /// The courier's words (CDEK's status name, EasyPost's message).
    package var message: String?

    /// A report.
    package init(status: CourierStatus?, code: String, at: Date, city: String? = nil, message: String? = nil) {
        self.status = status
        self.code = code
        self.at = at
        self.city = city
        self.message = message
    }
}
