// The browser bridge's Connect parsing under libFuzzer, with no HTTP server.
//
// The first input byte chooses the harness (its value modulo 4, so the seeds can start with a letter):
//
//   `H` (0)  a whole request, written as text (`HTTPHarness`), through `BridgeResponder.respond`: routing, header
//            limits, content types, `Connect-Timeout-Ms`, cookies and CSRF, body limits, envelopes and decoding;
//            the services behind it are an in-process server with none, so a call that passes gets UNIMPLEMENTED.
//   `E` (1)  the Connect streaming envelope: `ConnectEnvelopeReader` fed in chunks against one piece, against
//            `ConnectStreamCodec.unenvelope`, and the end-stream envelope and error body of any message.
//   `B` (2)  a request body decoded as a bridged method's input (`BridgeMethod.decode`), JSON or binary.
//   `C` (3)  `Content-Type` parsing (unary and streaming) and the session cookie.
//
// Every harness crashes (a failed precondition) when a refusal is not a well-formed Connect error (a known code,
// a non-empty message) or the parsers disagree; libFuzzer's -timeout catches a hang.
import SoukFuzzSupport

/// Runs the harness the first byte chooses on the rest of the input.
func fuzzBridge(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let rest = bytes[1...]
    switch first % 4 {
    case 0: HTTPHarness.run(rest)
    case 1: EnvelopeHarness.run(rest)
    case 2: BodyHarness.run(rest)
    default: BodyHarness.runContentType(rest)
    }
}

@main
struct BridgeFuzzer {
    static func main() {
        FuzzMain.run(seeds: BridgeSeeds.all, harness: fuzzBridge)
    }
}
