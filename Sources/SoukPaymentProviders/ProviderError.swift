/// A payment provider refused a call, or could not be reached: the one error of the provider adapters.
///
/// ``code`` says what Souk should do (a decline goes back to the customer, ``Code/unavailable`` is retried later with
/// the same idempotency key, ``Code/misconfigured`` is the operator's); ``message`` is safe to show a client: it
/// names the provider and the field at fault, and never carries a key or a client secret.
package struct ProviderError: Error, Hashable, CustomStringConvertible {
    /// What kind of failure; extensible without breaking a caller's `switch`.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String {
            case declined, invalid, notFound, misconfigured, conflict, unavailable, unexpected
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The card or the issuer refused the payment (Stripe `card_error`): ``ProviderError/declineCode`` says why.
        package static let declined = Self(.declined)
        /// The request was wrong (Stripe `invalid_request_error`): ``ProviderError/param`` names the field.
        package static let invalid = Self(.invalid)
        /// The object named does not exist (Stripe `resource_missing`).
        package static let notFound = Self(.notFound)
        /// The keys are wrong or lack a permission (Stripe `authentication_error`, `permission_error`).
        package static let misconfigured = Self(.misconfigured)
        /// An idempotency key was reused with other parameters (Stripe `idempotency_error`).
        package static let conflict = Self(.conflict)
        /// The provider did not answer, answered 5xx or limited the rate, after the retries.
        package static let unavailable = Self(.unavailable)
        /// The provider answered something Souk cannot read.
        package static let unexpected = Self(.unexpected)

        package var description: String { self.wrapped.rawValue }
    }

    /// What kind of failure.
    package var code: Code
    /// The provider's name (`Stripe`).
    package var provider: String
    /// Why, in words safe to show: the provider's message, with the field when it named one.
    package var message: String
    /// The request field at fault, when the provider named one (`amount`).
    package var param: String?
    /// The issuer's reason for a decline (`generic_decline`).
    package var declineCode: String?
    /// The provider's own error code (`card_declined`, `amount_too_small`).
    package var providerCode: String?
    /// The HTTP status of the last answer, if there was one.
    package var httpStatus: Int?

    /// An error; `message` must be safe to show (no keys, no secrets).
    package init(
        _ code: Code,
        provider: String,
        message: String,
        param: String? = nil,
        declineCode: String? = nil,
        providerCode: String? = nil,
        httpStatus: Int? = nil
    ) {
        self.code = code
        self.provider = provider
        self.message = message
        self.param = param
        self.declineCode = declineCode
        self.providerCode = providerCode
        self.httpStatus = httpStatus
    }

    package var description: String { "\(self.code): \(self.message)" }
}
