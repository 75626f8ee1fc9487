/// A failure of the GA4 export: a setting that cannot be used, Google unreachable, or an answer that cannot be
/// understood. Its description never holds the api secret.
package struct GA4Error: Error, Hashable, CustomStringConvertible {
    /// What kind of failure: extensible, so a new code breaks no caller's `switch`.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String {
            case invalidConfig = "invalid config"
            case unavailable
            case refused
            case badResponse = "bad response"
            case unmappable
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// A measurement id, endpoint or secret that cannot be used.
        package static let invalidConfig = Self(.invalidConfig)
        /// No answer, or 5xx/429 after every retry.
        package static let unavailable = Self(.unavailable)
        /// A 4xx answer (not retried).
        package static let refused = Self(.refused)
        /// The debug endpoint's answer is not the JSON it documents.
        package static let badResponse = Self(.badResponse)
        /// An order that cannot become an event (an unknown currency).
        package static let unmappable = Self(.unmappable)

        package var description: String { self.wrapped.rawValue }
    }

    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "GA4 \(self.code): \(self.message)" }
}
