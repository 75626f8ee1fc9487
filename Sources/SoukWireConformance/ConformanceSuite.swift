/// Every server case, in PROTOCOL.md order, and the normative sentences no server case can check.
package enum ConformanceSuite {
    /// All cases.
    package static var all: [ConformanceCase] {
        Self.handshake + Self.frames + Self.messages + Self.control + Self.settingsValues + Self.streams + Self.calls
            + Self.flowControl
            + Self.compression + Self.liveness
    }

    /// A normative sentence no server case checks, and why.
    package struct Exemption: Sendable, Hashable {
        /// The section.
        package var section: String
        /// Words quoted from the sentence.
        package var fragment: String
        /// Why no server case can check it.
        package var reason: String
    }

    /// The MUST sentences that are not checked against a server over the wire.
    package static let exemptions: [Exemption] = [
        Exemption(
            section: "1",
            fragment: "The key words MUST, MUST NOT, SHOULD, SHOULD NOT and MAY are used as in RFC 2119",
            reason: "defines the key words; it asks nothing of an implementation"
        ),
        Exemption(
            section: "2",
            fragment:
                "completes a handshake in which no protocol, or another protocol, was selected MUST close the connection without sending the preface",
            reason:
                "a client's duty; checked by client cases against a scripted server (swp-conformance serve, not built yet)"
        ),
        Exemption(
            section: "3",
            fragment: "The client MUST NOT open a stream before it has received the server's preface",
            reason: "a client's duty (swp-conformance serve)"
        ),
        Exemption(
            section: "6",
            fragment: "lowers a limit MUST keep accepting the old limit until it receives the ACK",
            reason: "binds a server that lowers its own limits by a later SETTINGS; a client cannot make it do so"
        ),
        Exemption(
            section: "10",
            fragment: "MUST round up and send at least 1 for a deadline that has not passed",
            reason: "a client's duty (swp-conformance serve)"
        ),
        Exemption(
            section: "10",
            fragment: "A client that cancels a server stream MUST therefore expect DATA",
            reason: "a client's duty (swp-conformance serve)"
        ),
        Exemption(
            section: "15",
            fragment: "After receiving any GOAWAY a client MUST NOT open new streams on that connection",
            reason: "a client's duty (swp-conformance serve)"
        ),
    ]
}
