import ArgumentParser
import GRPCCore
import SoukAPI
import SoukCtlKit

/// `soukctl health [--service NAME]`: the standard `grpc.health.v1.Health/Check` over SWP, for probes and smoke
/// checks; exit status 0 only when the answer is SERVING.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the current context's soukd whether it serves (grpc.health.v1.Health/Check, no login).",
        discussion: """
            Prints SERVING and exits 0; prints the other status (NOT_SERVING, UNKNOWN) and exits 69. A service \
            the server does not host is refused (65). Each call has --timeout seconds.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "The service to ask about, e.g. souk.catalog.v1.CatalogService (default: the whole server).")
    var service = ""
    @Option(help: "Seconds to wait for the answer.") var timeout = 5

    func validate() throws {
        guard (1...300).contains(self.timeout) else { throw ValidationError("--timeout: 1 to 300 seconds") }
    }

    func run() async throws {
        try await reportingErrors {
            let session = try Session(self.global)
            var request = Grpc_Health_V1_HealthCheckRequest()
            request.service = self.service
            var options = CallOptions.defaults
            options.timeout = .seconds(self.timeout)
            let status = try await session.anonymous { api in
                try await api.health.check(request, options: options).status
            }
            guard status == .serving else {
                throw CtlError(.unavailable, "\(session.context.endpoint) answers \(status)", hint: "see its log")
            }
            Printer.line("SERVING")
        }
    }
}
