/// What one case found.
package struct CaseResult: Sendable, Codable, Hashable {
    /// The verdict.
    package enum Outcome: String, Sendable, Codable, Hashable {
        /// The server did what PROTOCOL.md says.
        case passed
        /// It did not.
        case failed
        /// It did not, and the case is on the list of known disagreements.
        case known
        /// The case is on the list of known disagreements but passed: the list is out of date (a failure).
        case knownButPassed = "known-but-passed"
        /// The case does not apply to this target.
        case skipped

        /// Whether the outcome fails the run.
        package var isFailure: Bool { self == .failed || self == .knownButPassed }
    }

    /// The case id, e.g. `5.1/3`.
    package var id: String
    /// The PROTOCOL.md section.
    package var section: String
    /// What the case checks.
    package var title: String
    /// The verdict.
    package var outcome: Outcome
    /// Why it was skipped, or why a known case fails the run.
    package var detail: String?
    /// On failure: what PROTOCOL.md asks.
    package var expected: String?
    /// On failure: what the server did.
    package var seen: String?
    /// On failure: every frame sent and seen.
    package var transcript: [String]?
}
