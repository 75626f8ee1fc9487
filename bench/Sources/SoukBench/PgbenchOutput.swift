import Histogram

/// What `pgbench` printed at the end of a run, and its per-transaction log (`pgbench -l`).
///
/// ```text
/// number of clients: 16
/// number of threads: 2
/// duration: 10 s
/// number of transactions actually processed: 370571
/// number of failed transactions: 0 (0.000%)
/// latency average = 0.431 ms
/// initial connection time = 12.093 ms
/// tps = 37057.228893 (without initial connection time)
/// ```
package struct PgbenchOutput: Sendable, Hashable {
    /// `number of clients`.
    package var clients: Int
    /// `number of threads`.
    package var threads: Int
    /// `number of transactions actually processed`.
    package var transactions: Int
    /// `number of failed transactions` (0 when the line is missing, as before PostgreSQL 15).
    package var failedTransactions: Int
    /// `latency average`, in microseconds.
    package var latencyAverageMicros: Double
    /// `tps` (without the initial connection time).
    package var transactionsPerSecond: Double

    package init(
        clients: Int,
        threads: Int,
        transactions: Int,
        failedTransactions: Int,
        latencyAverageMicros: Double,
        transactionsPerSecond: Double
    ) {
        self.clients = clients
        self.threads = threads
        self.transactions = transactions
        self.failedTransactions = failedTransactions
        self.latencyAverageMicros = latencyAverageMicros
        self.transactionsPerSecond = transactionsPerSecond
    }

    /// Reads pgbench's summary from its whole output (progress and notices may come first).
    ///
    /// - Throws: ``BenchError/externalTool(tool:message:)`` naming the first line that is missing or unreadable.
    package init(parsing text: String) throws {
        var values: [String: Substring] = [:]
        for line in text.split(separator: "\n") {
            let line = line.drop { $0 == " " }
            // "name: value" or "name = value"; the separator that comes first wins.
            guard let separator = line.firstIndex(where: { $0 == ":" || $0 == "=" }) else { continue }
            let name = Self.trimmed(line[..<separator])
            let value = Self.trimmed(line[line.index(after: separator)...])
            if values[String(name)] == nil { values[String(name)] = value }
        }
        func number(_ name: String, unit: String? = nil) throws -> Double {
            guard let value = values[name] else {
                throw BenchError.externalTool(tool: "pgbench", message: "no '\(name)' in its output")
            }
            let words = value.split(separator: " ")
            guard let first = words.first, let number = Double(first),
                unit.map({ words.count > 1 && words[1] == $0 }) ?? true
            else {
                throw BenchError.externalTool(tool: "pgbench", message: "unreadable '\(name)': '\(value)'")
            }
            return number
        }
        let latency = try number("latency average", unit: "ms")
        self.init(
            clients: Int(try number("number of clients")),
            threads: Int(try number("number of threads")),
            transactions: Int(try number("number of transactions actually processed")),
            failedTransactions: values["number of failed transactions"] == nil
                ? 0 : Int(try number("number of failed transactions")),
            latencyAverageMicros: latency * 1000,
            transactionsPerSecond: try number("tps")
        )
    }

    /// Records each transaction's latency from a `pgbench -l` log into `tally` (as calls; failed or skipped
    /// transactions as failures).
    ///
    /// A line is `client_id transaction_no time script_no time_epoch time_us [...]`, `time` being the latency
    /// in microseconds, or `failed` / `skipped`.
    ///
    /// - Throws: ``BenchError/externalTool(tool:message:)`` on a line that is not in that format.
    package static func recordLog(_ text: String, into tally: inout WorkerTally) throws {
        for line in text.split(separator: "\n") where !line.isEmpty {
            let fields = line.split(separator: " ")
            guard fields.count >= 6 else {
                throw BenchError.externalTool(tool: "pgbench", message: "unreadable log line '\(line.prefix(80))'")
            }
            if let micros = UInt64(fields[2]) {
                tally.calls += 1
                _ = tally.latencyNanoseconds.record(micros * 1000)
            } else if fields[2] == "failed" || fields[2] == "skipped" {
                tally.failures += 1
            } else {
                throw BenchError.externalTool(tool: "pgbench", message: "unreadable log line '\(line.prefix(80))'")
            }
        }
    }

    private static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { $0 != " " }), let last = text.lastIndex(where: { $0 != " " })
        else { return "" }
        return text[first...last]
    }
}
