/// One numbered check of PROTOCOL.md, h2spec style: an id such as `5.1/3`, the section it tests, the normative
/// text it claims, and what it does over the wire.
package struct ConformanceCase: Sendable {
    /// A sentence of PROTOCOL.md this case checks: its section and a fragment quoted from it word for word.
    package struct Claim: Sendable, Hashable {
        /// The section number, e.g. `5.1` or `16.3`.
        package var section: String
        /// Words quoted from the sentence (whitespace collapsed; markdown emphasis and backticks removed).
        package var fragment: String

        /// Creates a claim.
        package init(_ section: String, _ fragment: String) {
            self.section = section
            self.fragment = fragment
        }
    }

    /// What a case needs of the target beyond a plain connection.
    package enum Requirement: Sendable, Hashable {
        /// A TLS target.
        case tls
        /// A runner that can drain the server (``ConformanceTarget/beginDrain``).
        case drain
    }

    /// `section/number`, unique in the suite.
    package var id: String
    /// The section of PROTOCOL.md the case tests.
    package var section: String
    /// What the server must do, in one sentence.
    package var title: String
    /// The normative sentences the case checks.
    package var claims: [Claim]
    /// What the case needs of the target.
    package var requirements: Set<Requirement>
    /// The check itself: returns when the server behaved; throws ``CaseFailure`` or ``CaseSkipped`` otherwise.
    package var run: @Sendable (CaseContext) async throws -> Void

    /// Creates a case.
    package init(
        _ id: String,
        _ title: String,
        claims: [Claim] = [],
        requires requirements: Set<Requirement> = [],
        run: @escaping @Sendable (CaseContext) async throws -> Void
    ) {
        self.id = id
        self.section = String(id.prefix { $0 != "/" })
        self.title = title
        self.claims = claims
        self.requirements = requirements
        self.run = run
    }
}
