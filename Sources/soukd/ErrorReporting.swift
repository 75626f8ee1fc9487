import ArgumentParser
import Foundation
import SoukHost

/// Runs `body`; a Souk error becomes one line on standard error and exit status 1, with no stack dump.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        guard let message = HostError.operatorMessage(for: error) else { throw error }
        fail(message)
    }
}

private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("soukd: error: \(message)\n".utf8))
    exit(1)
}
