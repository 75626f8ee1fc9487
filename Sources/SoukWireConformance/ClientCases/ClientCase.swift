/// One numbered check of a client, h2spec style: a scripted misbehaving server (``script``) plays it on one
/// accepted connection while the client makes ``calls``; the client passes when every call ends with the status
/// expected (as a multiset: calls run at once, so which call gets which stream is the client's business) and the
/// frames it sent obey ``frameRules``.
package struct ClientCase: Sendable {
    /// `section/cN`, unique among the client cases.
    package var id: String
    /// The section of PROTOCOL.md the case tests.
    package var section: String
    /// What the client must do, in one sentence.
    package var title: String
    /// The normative sentences the case checks.
    package var claims: [ConformanceCase.Claim]
    /// The calls the client makes, all at once.
    package var calls: [ClientCall]
    /// The gRPC status code each call must end with, in any order.
    package var expectedCodes: [UInt32]
    /// What the client's frames must show.
    package var frameRules: [ClientFrameRule]
    /// The server's side; returns once the client has closed the connection (or throws ``CaseFailure`` when the
    /// client broke a rule the script checks as it goes, ``CaseSkipped`` when the client's settings rule it out).
    package var script: @Sendable (ServedPeer) async throws -> Void

    /// Creates a case.
    package init(
        _ id: String,
        _ title: String,
        claims: [ConformanceCase.Claim] = [],
        calls: [ClientCall] = [ClientCall()],
        expect expectedCodes: [UInt32],
        frames frameRules: [ClientFrameRule] = [],
        script: @escaping @Sendable (ServedPeer) async throws -> Void
    ) {
        self.id = id
        self.section = String(id.prefix { $0 != "/" })
        self.title = title
        self.claims = claims
        self.calls = calls
        self.expectedCodes = expectedCodes
        self.frameRules = frameRules
        self.script = script
    }

    /// What is wrong with the client's outcome: an empty list when it passed.
    ///
    /// - Parameters:
    ///   - codes: the status code each call ended with, in any order.
    ///   - frames: every frame the client sent on the case's connection.
    package func problems(codes: [UInt32], frames: [SeenFrame]) -> [String] {
        var problems: [String] = []
        if codes.sorted() != self.expectedCodes.sorted() {
            problems.append("expected call statuses \(self.expectedCodes.sorted()); saw \(codes.sorted())")
        }
        for rule in self.frameRules where !rule.holds(for: frames) {
            problems.append("expected the client to send \(rule); it sent: \(frames.map(\.description))")
        }
        return problems
    }
}
