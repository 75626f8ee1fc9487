/// Runs cases against a target and judges them against a list of known disagreements.
///
/// ```swift
/// let target = ConformanceTarget(host: "127.0.0.1", port: 7700, security: .plaintext)
/// let report = await ConformanceRunner(known: []).run(ConformanceSuite.all, against: target)
/// print(report.text)
/// ```
package struct ConformanceRunner: Sendable {
    /// Case ids where the server is known to disagree with PROTOCOL.md: their failure is reported as known, and
    /// their passing as a failure (the list must shrink when the server is fixed).
    package var known: Set<String>

    /// Creates a runner.
    package init(known: Set<String>) {
        self.known = known
    }

    /// Runs `cases`, each on its own connections, at most `parallelism` at a time; the report keeps their order.
    ///
    /// Cases never share a connection, so running several at once changes no verdict; it only bounds the wall time
    /// of the cases that wait out a timeout.
    package func run(
        _ cases: [ConformanceCase],
        against target: ConformanceTarget,
        parallelism: Int = 1
    ) async -> ConformanceReport {
        var results = [CaseResult?](repeating: nil, count: cases.count)
        await withTaskGroup(of: (Int, CaseResult).self) { group in
            var next = 0
            func startNext() {
                guard next < cases.count else { return }
                let index = next
                next += 1
                group.addTask { (index, await self.run(cases[index], against: target)) }
            }
            for _ in 0..<max(1, parallelism) { startNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                startNext()
            }
        }
        return ConformanceReport(results: results.compactMap { $0 })
    }

    /// Runs one case.
    package func run(_ conformanceCase: ConformanceCase, against target: ConformanceTarget) async -> CaseResult {
        var result = CaseResult(
            id: conformanceCase.id,
            section: conformanceCase.section,
            title: conformanceCase.title,
            outcome: .passed
        )
        if conformanceCase.requirements.contains(.tls), !target.isTLS {
            result.outcome = .skipped
            result.detail = "needs a TLS target"
            return result
        }
        if conformanceCase.requirements.contains(.drain), target.beginDrain == nil {
            result.outcome = .skipped
            result.detail = "needs a runner that can drain the server"
            return result
        }
        let context = CaseContext(target: target)
        var failure: CaseFailure?
        do {
            try await conformanceCase.run(context)
        } catch let caseFailure as CaseFailure {
            failure = caseFailure
        } catch let skipped as CaseSkipped {
            result.outcome = .skipped
            result.detail = skipped.reason
        } catch {
            failure = CaseFailure(expected: "the case to run", seen: "\(error)")
        }
        context.closeAll()
        let isKnown = self.known.contains(conformanceCase.id)
        if let failure {
            result.outcome = isKnown ? .known : .failed
            result.expected = failure.expected
            result.seen = failure.seen
            result.transcript = context.transcript
        } else if isKnown, result.outcome == .passed {
            result.outcome = .knownButPassed
            result.detail = "listed as a known disagreement, but the server now passes: remove it from the list"
        }
        return result
    }
}
