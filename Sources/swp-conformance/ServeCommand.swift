import ArgumentParser
import Foundation
import SoukWireConformance

/// `swp-conformance serve`: plays the numbered client cases, as a misbehaving SWP/1 server, for a client under test.
///
/// ```
/// swp-conformance serve --case 5.3/c1 --connections 1
/// ```
///
/// It prints `listening on HOST:PORT` once ready, then one line per connection served: the case, `pass`, `fail` or
/// `skip`, and, on failure, what the client's frames broke. Whether each call ended with the case's status is for
/// the client's runner to check (`--list` prints the expected codes).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Plays the client cases of PROTOCOL.md as a misbehaving SWP/1 server (plaintext).",
        discussion: "Exit status 1 when a client's frames broke a case it was served."
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port; the line 'listening on HOST:PORT' names it).")
    var port = 0

    @Option(name: .customLong("case"), help: "The case every connection plays, e.g. 5.3/c1.")
    var caseID: String?

    @Flag(help: "Connection n plays the nth case (from the first), in the order of --list.")
    var all = false

    @Option(help: "Exit once this many connections were served (0: serve until stopped).")
    var connections = 0

    @Option(help: "Seconds any one read waits before the case's script gives up on the client.")
    var readTimeout = 30

    @Flag(help: "List the cases, tab-separated: id, calls, expected codes, deadline in seconds (0: none), title.")
    var list = false

    func validate() throws {
        if !self.list, (self.caseID != nil) == self.all {
            throw ValidationError("give exactly one of --case ID and --all")
        }
        if let caseID, ClientSuite.named(caseID) == nil {
            throw ValidationError("no such client case: \(caseID)")
        }
    }

    func run() async throws {
        if self.list {
            for clientCase in ClientSuite.all {
                let codes = clientCase.expectedCodes.map(String.init).joined(separator: ",")
                let seconds = clientCase.calls.first?.timeout?.components.seconds ?? 0
                print("\(clientCase.id)\t\(clientCase.calls.count)\t\(codes)\t\(seconds)\t\(clientCase.title)")
            }
            return
        }
        let chosen = self.caseID.flatMap(ClientSuite.named)
        let server = try await ClientCaseServer.start(
            host: self.host,
            port: self.port,
            readTimeout: .seconds(self.readTimeout)
        ) { index in
            if let chosen { return chosen }
            return index < ClientSuite.all.count ? ClientSuite.all[index] : nil
        }
        print("listening on \(self.host):\(server.port)")
        fflush(nil)
        var served = 0
        var failed = false
        for await connection in server.served {
            served += 1
            guard let clientCase = ClientSuite.named(connection.caseID) else { continue }
            var problems = clientCase.problems(codes: clientCase.expectedCodes, frames: connection.frames)
            if let skipped = connection.error as? CaseSkipped {
                print("\(clientCase.id)\tskip\t\(skipped.reason)")
            } else {
                if let error = connection.error { problems.append("the script: \(error)") }
                failed = failed || !problems.isEmpty
                print("\(clientCase.id)\t\(problems.isEmpty ? "pass" : "fail")\t\(problems.joined(separator: "; "))")
            }
            fflush(nil)
            if self.connections > 0, served >= self.connections { break }
        }
        server.stop()
        if failed { throw ExitCode(1) }
    }
}
