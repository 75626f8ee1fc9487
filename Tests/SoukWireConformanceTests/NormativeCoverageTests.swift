import SoukWireConformance
import Testing

/// Every MUST and MUST NOT of PROTOCOL.md is claimed by a case or exempted with a reason, and every claim still
/// quotes the document.
@Suite("PROTOCOL.md's normative sentences and the cases that claim them")
struct NormativeCoverageTests {
    let text: NormativeText

    init() throws {
        self.text = NormativeText(document: try NormativeText.protocolDocument())
    }

    @Test("the document has its normative sentences (about 37 lines hold MUST)")
    func normativeCount() {
        let normative = self.text.units.filter(\.isNormative)
        #expect(normative.count >= 30, "found only \(normative.count): the sentence splitting is broken")
    }

    @Test("every claim quotes exactly one sentence of its section")
    func claimsQuoteTheDocument() {
        for conformanceCase in ConformanceSuite.all {
            for claim in conformanceCase.claims {
                let matches = self.text.units(in: claim.section, containing: claim.fragment)
                #expect(
                    matches.count == 1,
                    "\(conformanceCase.id): §\(claim.section) \"\(claim.fragment)\" matches \(matches.count) sentences"
                )
            }
        }
    }

    @Test("every client case's claim quotes exactly one sentence of its section")
    func clientClaimsQuoteTheDocument() {
        for clientCase in ClientSuite.all {
            #expect(!clientCase.claims.isEmpty, "\(clientCase.id) claims no sentence")
            for claim in clientCase.claims {
                let matches = self.text.units(in: claim.section, containing: claim.fragment)
                #expect(
                    matches.count == 1,
                    "\(clientCase.id): §\(claim.section) \"\(claim.fragment)\" matches \(matches.count) sentences"
                )
            }
        }
    }

    @Test("every exemption quotes exactly one normative sentence")
    func exemptionsQuoteTheDocument() {
        for exemption in ConformanceSuite.exemptions {
            let matches = self.text.units(in: exemption.section, containing: exemption.fragment)
            #expect(
                matches.count == 1 && matches.allSatisfy(\.isNormative),
                "§\(exemption.section) \"\(exemption.fragment)\" matches \(matches)"
            )
        }
    }

    @Test("every sentence with MUST or MUST NOT is claimed by a case or exempted with a reason")
    func everyMustIsClaimed() {
        var claimed: [(section: String, fragment: String)] = ConformanceSuite.all.flatMap { conformanceCase in
            conformanceCase.claims.map { ($0.section, $0.fragment) }
        }
        claimed += ClientSuite.all.flatMap { clientCase in clientCase.claims.map { ($0.section, $0.fragment) } }
        claimed += ConformanceSuite.exemptions.map { ($0.section, $0.fragment) }
        for unit in self.text.units where unit.isNormative {
            let isClaimed = claimed.contains { claim in
                claim.section == unit.section && unit.text.contains(NormativeText.normalize(claim.fragment))
            }
            #expect(isClaimed, "no case claims \(unit)")
        }
    }

    @Test("case ids are unique and name their section")
    func caseIDs() {
        let ids = ConformanceSuite.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for conformanceCase in ConformanceSuite.all {
            #expect(conformanceCase.id.hasPrefix(conformanceCase.section + "/"))
        }
    }
}
