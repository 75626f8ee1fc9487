/// A courier refused a call, or could not be reached: the one error of the courier adapters.
///
/// ``code`` says what Souk should do (``Code/unknownLocation`` and ``Code/overweight`` go back to the buyer,
/// ``Code/unavailable`` and ``Code/timeout`` are tried again later, ``Code/unauthorized`` is the operator's);
/// ``message`` is safe to show a client: it names the courier and the field or cause, and never carries a key, a
/// client secret or an access token.
package struct CourierError: Error, Hashable, CustomStringConvertible {
    /// What kind of failure; extensible without breaking a caller's `switch`.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String {
            case invalidRequest, unknownLocation, overweight, notFound, unauthorized, unavailable, timeout
            case unexpected
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The request was wrong: ``CourierError/field`` names the field when known.
        package static let invalidRequest = Self(.invalidRequest)
        /// The courier does not know the address: an unknown postcode, city or country.
        package static let unknownLocation = Self(.unknownLocation)
        /// The parcel is heavier (or larger) than the courier takes.
        package static let overweight = Self(.overweight)
        /// The order, shipment or tracker named does not exist.
        package static let notFound = Self(.notFound)
        /// The courier refused Souk's credentials (wrong client secret or API key), after one token refresh.
        package static let unauthorized = Self(.unauthorized)
        /// The courier did not answer, answered 5xx or limited the rate, after the retries allowed.
        package static let unavailable = Self(.unavailable)
        /// The courier did not answer within the request timeout. For a call that is not repeated (registering
        /// an order, buying a label) the outcome is unknown: read the order back before trying again.
        package static let timeout = Self(.timeout)
        /// The courier answered something Souk cannot read.
        package static let unexpected = Self(.unexpected)

        package var description: String { self.wrapped.rawValue }
    }

    /// What kind of failure.
    package var code: Code
    /// The courier's name (`CDEK`, `EasyPost`).
    package var courier: String
    /// Why, in words safe to show: the courier's message, with the field or cause.
    package var message: String
    /// The request field at fault, when known (`to_location.postal_code`, `parcel.weight`).
    package var field: String?
    /// The courier's own error code (`v2_entity_not_found`, `ADDRESS.VERIFY.FAILURE`).
    package var courierCode: String?
    /// The HTTP status of the last answer, if there was one.
    package var httpStatus: Int?

    /// An error; `message` must be safe to show (no keys, no secrets, no tokens).
    package init(
        _ code: Code,
        courier: String,
        message: String,
        field: String? = nil,
        courierCode: String? = nil,
        httpStatus: Int? = nil
    ) {
        self.code = code
        self.courier = courier
        self.message = message
        self.field = field
        self.courierCode = courierCode
        self.httpStatus = httpStatus
    }

    package var description: String { "\(self.code): \(self.message)" }
}
