import Logging
package import ServiceLifecycle
package import SoukHost
package import SoukStorage

import class Foundation.ProcessInfo
import struct Foundation.UUID

/// Runs a real host on 127.0.0.1 with a free port, development TLS in a temporary folder and a fresh database,
/// hands `body` what it reported when ready, then shuts it down gracefully and waits for it to stop.
package func withRunningHost<Result: Sendable>(
    databaseURL: DatabaseURL,
    dataFolder: String,
    configure: (inout HostConfig) -> Void = { _ in },
    _ body: (ReadyInfo, ServiceGroup) async throws -> Result
) async throws -> Result {
    try await withRunningHost(databaseURL: databaseURL, dataFolder: dataFolder, configure: configure) {
        info,
        _,
        group in try await body(info, group)
    }
}

/// ``withRunningHost(databaseURL:dataFolder:configure:_:)`` that also hands `body` the prepared host (its
/// in-process client, for the in-process rung: `configure` sets `listens = false`).
package func withRunningHost<Result: Sendable>(
    databaseURL: DatabaseURL,
    dataFolder: String,
    configure: (inout HostConfig) -> Void = { _ in },
    _ body: (ReadyInfo, Host.Prepared, ServiceGroup) async throws -> Result
) async throws -> Result {
    var logger = Logger(label: "test-host")
    logger.logLevel = .warning
    // SOUK_TEST_TRACE_LIFECYCLE=1: every host's service group logs each service's start, shutdown and end.
    var groupLogger = logger
    let tracing = ProcessInfo.processInfo.environment["SOUK_TEST_TRACE_LIFECYCLE"] != nil
    if tracing {
        groupLogger.logLevel = .debug
        groupLogger[metadataKey: "host"] = "\(UUID().uuidString.prefix(8))"
    }
    let config = HostConfig.defaults { config in
        config.grpc.port = 0
        config.swp.port = 0
        config.dataFolder = dataFolder
        config.database = .url(databaseURL)
        configure(&config)
    }
    let (readyStream, readyContinuation) = AsyncStream<ReadyInfo>.makeStream()
    let prepared = try await Host(config: config, logger: logger).prepare(onReady: { info in
        readyContinuation.yield(info)
        readyContinuation.finish()
    })
    let group = prepared.serviceGroup(logger: groupLogger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            // Whatever happens, a host that stops can no longer become ready.
            defer { readyContinuation.finish() }
            try await group.run()
        }
        var iterator = readyStream.makeAsyncIterator()
        guard let info = await iterator.next() else {
            // The group ended before the host became ready: surface its error.
            try await tasks.next()
            throw TestSupportError("the host stopped before it was ready")
        }
        let result: Result
        do {
            result = try await body(info, prepared, group)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        if tracing { groupLogger.notice("the test's body ended; stopping the host") }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        if tracing { groupLogger.notice("the host stopped") }
        return result
    }
}
