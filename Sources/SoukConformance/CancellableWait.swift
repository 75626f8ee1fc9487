import GRPCCore

/// Waiting inside a handler that stops early when gRPC cancels the RPC.
///
/// gRPC cancels handlers through `context.cancellation`, not through task cancellation, so a plain
/// `Task.sleep` would outlive a cancelled or timed-out call.
enum CancellableWait {
    /// Sleeps for `duration`; returns `true` if it completed, `false` if the RPC was cancelled first.
    static func sleep(for duration: Duration, context: ServerContext) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await Task.sleep(for: duration)
                return true
            }
            group.addTask {
                try await context.cancellation.cancelled
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }
}
