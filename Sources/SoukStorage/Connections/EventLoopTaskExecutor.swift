import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Code run under `withTaskExecutorPreference(EventLoopTaskExecutor(loop))` runs on the loop's thread, in loop tasks
/// that nothing else on the loop can interleave with: ``PostgresConnection/guardedQuery(_:logger:file:line:)`` relies
/// on this to look at its channel and write to it in one step.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    /// An executor for `eventLoop`.
    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
