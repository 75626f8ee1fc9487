import Logging
import Synchronization

/// Structured log lines on standard error (standard output carries only the ready banner).
enum LogSetup {
    private static let isBootstrapped = Mutex(false)

    static func bootstrap(level: Logger.Level) -> Logger {
        let first = Self.isBootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "soukd")
        logger.logLevel = level
        return logger
    }
}
