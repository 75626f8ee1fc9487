import ArgumentParser
import Foundation
import SoukWireConformance

/// `swp-conformance`: the server cases (`check`, the default) and the client cases (`serve`) of PROTOCOL.md.
@main
struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swp-conformance",
        abstract: "Checks SWP/1 servers and clients against PROTOCOL.md, case by numbered case.",
        subcommands: [CheckCommand.self, ServeCommand.self],
        defaultSubcommand: CheckCommand.self
    )
}

/// `swp-conformance [check]`: runs the numbered SWP/1 server cases of PROTOCOL.md against any endpoint.
///
/// ```
/// swp-conformance --host 127.0.0.1 --port 7700 --ca data/tls/ca.pem --known Tests/Conformance/known-disagreements.txt
/// ```
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Checks an SWP/1 server against PROTOCOL.md, case by numbered case (the default).",
        discussion: "Exit status 1 when a case fails, or when a case listed in --known passes."
    )

    @Option(help: "The server's host.")
    var host = "127.0.0.1"

    @Option(help: "The server's SWP port.")
    var port = 7700

    @Flag(help: "Speak plaintext TCP (the server must be configured for it).")
    var plaintext = false

    @Option(help: "PEM CA file that signed the server's certificate (TLS).")
    var ca: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("case"), help: "Run only this case id (repeatable), e.g. 5.1/3.")
    var cases: [String] = []

    @Option(help: "File of known disagreements: one case id per line, then a reason.")
    var known: String?

    @Option(help: "Seconds any one read waits before its case fails.")
    var readTimeout = 10

    @Option(help: "How many cases run at once (each on its own connections).")
    var parallel = 4

    @Flag(help: "List the cases and the sentences of PROTOCOL.md they claim, and exit.")
    var list = false

    func validate() throws {
        if !self.list, self.plaintext == (self.ca != nil) {
            throw ValidationError("give exactly one of --plaintext and --ca FILE")
        }
        if self.parallel < 1 || self.readTimeout < 1 {
            throw ValidationError("--parallel and --read-timeout must be at least 1")
        }
    }

    func run() async throws {
        var selected = ConformanceSuite.all
        if self.list {
            for conformanceCase in selected {
                print("\(conformanceCase.id)  \(conformanceCase.title)")
                for claim in conformanceCase.claims { print("    §\(claim.section) \"\(claim.fragment)\"") }
            }
            return
        }
        if !self.cases.isEmpty {
            let unknown = Set(self.cases).subtracting(selected.map(\.id))
            guard unknown.isEmpty else {
                throw ValidationError("no such case: \(unknown.sorted().joined(separator: ", "))")
            }
            selected = selected.filter { self.cases.contains($0.id) }
        }
        var knownIDs: Set<String> = []
        if let known = self.known {
            knownIDs = KnownDisagreements.parse(try String(contentsOfFile: known, encoding: .utf8))
        }
        let security: ConformanceTarget.Security = self.ca.map { .tls(certificateAuthorityPath: $0) } ?? .plaintext
        let target = ConformanceTarget(
            host: self.host,
            port: self.port,
            security: security,
            readTimeout: .seconds(self.readTimeout)
        )
        let report = await ConformanceRunner(known: knownIDs).run(selected, against: target, parallelism: self.parallel)
        print(self.json ? report.json : report.text)
        if report.hasFailures { throw ExitCode(1) }
    }
}
