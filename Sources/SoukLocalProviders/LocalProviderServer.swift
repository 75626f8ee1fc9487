import Foundation
import Logging
import ServiceLifecycle

/// What the local provider servers share: a service that says the port it listens on once it does, and can let
/// requests it holds (an injected hang) go when a test ends.
protocol LocalProviderServer: Service {
    /// The port, once, when the server listens; finished without one if it could not start.
    var listening: AsyncStream<Int> { get }
    /// Lets every hanging request answer.
    func releaseHangingRequests()
}

extension LocalProviderServer {
    /// Runs `server` for the duration of `body`, then stops it (hanging requests released first).
    ///
    /// - Throws: what `body` throws, or the server's error if it could not start.
    static func running<Result: Sendable>(
        _ server: Self,
        logger: Logger,
        _ body: (Self) async throws -> Result
    ) async throws -> Result {
        var groupLogger = logger
        if ProcessInfo.processInfo.environment["SOUK_TEST_TRACE_LIFECYCLE"] != nil { groupLogger.logLevel = .debug }
        let group = ServiceGroup(services: [server], logger: groupLogger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = server.listening.makeAsyncIterator()
            guard await ports.next() != nil else {
                try await tasks.waitForAll()
                throw CancellationError()
            }
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(server))
            } catch {
                result = .failure(error)
            }
            server.releaseHangingRequests()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
