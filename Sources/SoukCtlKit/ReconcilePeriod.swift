/// The period `payments reconcile --from DAY --to DAY` asks about: whole UTC days, both ends included, as the
/// service's half-open range of Unix milliseconds.
package struct ReconcilePeriod: Sendable, Hashable {
    /// The longest period the service compares at once, in days.
    package static let maximumDays: Int64 = 92

    /// Midnight UTC that starts `--from`.
    package var fromUnixMs: Int64
    /// Midnight UTC after `--to`: the first instant not included.
    package var beforeUnixMs: Int64

    /// The period from the start of `from` to the end of `to` (`YYYY-MM-DD`, UTC).
    ///
    /// - Throws: ``CtlError`` (usage): a malformed day, `--to` before `--from`, more than ``maximumDays`` days.
    package init(from: String, to: String) throws {
        let start = try DayParsing.startOfDay(from, flag: "--from")
        let lastDay = try DayParsing.startOfDay(to, flag: "--to")
        guard lastDay >= start else {
            throw CtlError(.usage, "--to: \(to) is before --from \(from)", hint: "--to is the last day included")
        }
        let days = (lastDay - start) / 86_400_000 + 1
        guard days <= Self.maximumDays else {
            throw CtlError(
                .usage,
                "--to: \(days) days from --from; at most \(Self.maximumDays) at once",
                hint: "reconcile a longer time in several runs"
            )
        }
        self.fromUnixMs = start
        self.beforeUnixMs = lastDay + 86_400_000
    }
}
