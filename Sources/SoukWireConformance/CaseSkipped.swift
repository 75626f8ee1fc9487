/// The case does not apply to this server (e.g. a feature it did not advertise).
package struct CaseSkipped: Error, Sendable {
    /// Why.
    package var reason: String

    /// Creates a skip.
    package init(_ reason: String) {
        self.reason = reason
    }
}
