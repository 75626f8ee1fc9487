#if canImport(Glibc)
package import Glibc
#endif

/// `posix_spawn` attributes for a child that starts with no signal blocked and every signal at its default action.
///
/// Without them a child inherits the spawning thread's signal mask and the signals this process ignores (a service
/// group sets SIGTERM and SIGINT to ignored to read them itself): `pg_ctl` would pass them on to the server it
/// starts, and `pgbench -T` never sees its SIGALRM.
package enum SpawnSignals {
    /// Runs `body` with such attributes, for `posix_spawn`'s `attrp`.
    package static func withDefaultSignals<Result>(
        _ body: (UnsafePointer<posix_spawnattr_t>) throws -> Result
    ) rethrows -> Result {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return try withUnsafePointer(to: &attributes) { try body($0) }
    }
}
