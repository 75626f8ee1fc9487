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
    /// How long stopping may take before the server is cancelled.
    static var shutdownBound: Duration { .seconds(10) }

    /// Runs `server` for the duration of `body`, then stops it (hanging requests released first; cancelled if it has
    /// not stopped within ``shutdownBound``).
    ///
    /// - Throws: what `body` throws, or the server's error if it could not start.
    static func running<Result: Sendable>(
        _ server: Self,
        logger: Logger,
        _ body: (Self) async throws -> Result
    ) async throws -> Result {
        var groupLogger = logger
        if ProcessInfo.processInfo.environment["SOUK_TEST_TRACE_LIFECYCLE"] != nil { groupLogger.logLevel = .debug }
        var configuration = ServiceGroupConfiguration(services: [server], logger: groupLogger)
        // A graceful shutdown that never ends (a connection the server accepted and never read was seen in a stalled
        // test run) is escalated to cancellation instead of holding the caller for ever.
        configuration.maximumGracefulShutdownDuration = Self.shutdownBound
        let group = ServiceGroup(configuration: configuration)
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
