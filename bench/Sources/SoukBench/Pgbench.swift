import Foundation
import SoukStorage

/// One of pgbench's built-in scripts.
package enum PgbenchScript: String, Sendable, Hashable, Codable, CaseIterable {
    /// `pgbench -S`: one primary-key SELECT per transaction.
    case selectOnly = "select-only"
    /// The default script: five statements (three UPDATEs, a SELECT, an INSERT) in one transaction.
    case tpcb = "tpc-b"

    /// How tables and reports name it.
    package var label: String {
        switch self {
        case .selectOnly: "pgbench -S (select-only)"
        case .tpcb: "pgbench TPC-B-like"
        }
    }

    var arguments: [String] {
        switch self {
        case .selectOnly: ["-S"]
        case .tpcb: []
        }
    }
}

/// One timed pgbench run: its summary and the latency of every transaction from its log.
package struct PgbenchRound: Sendable {
    package var output: PgbenchOutput
    /// Every transaction's latency, from the log.
    package var tally: WorkerTally
    /// `-T`.
    package var seconds: Int

    package init(output: PgbenchOutput, tally: WorkerTally, seconds: Int) {
        self.output = output
        self.tally = tally
        self.seconds = seconds
    }
}

/// Runs pgbench against a PostgreSQL cluster reached over a Unix socket, in its own database.
///
/// ```swift
/// let pgbench = Pgbench(program: "/usr/lib/postgresql/15/bin/pgbench", cluster: socket, workFolder: folder)
/// try await pgbench.initialize(scale: 10)
/// let round = try await pgbench.run(.selectOnly, clients: 16, threads: 2, warmupSeconds: 2, seconds: 10, tag: "r1")
/// ```
package struct Pgbench: Sendable {
    /// The pgbench program; `createdb` is expected next to it.
    package var program: String
    /// Where the cluster listens.
    package var cluster: ClusterSocket
    /// Where the per-transaction logs are written (and removed once read).
    package var workFolder: String
    /// The database pgbench's tables go in.
    package var database = "pgbench"

    package init(program: String, cluster: ClusterSocket, workFolder: String) {
        self.program = program
        self.cluster = cluster
        self.workFolder = workFolder
    }

    /// The pgbench next to the PostgreSQL server programs the embedded cluster uses.
    package static func locate() -> String? {
        guard let binaries = try? PostgresBinaries.locate(searchPath: ProcessInfo.processInfo.environment["PATH"])
        else { return nil }
        let program = "\(binaries.directory)/pgbench"
        return FileManager.default.isExecutableFile(atPath: program) ? program : nil
    }

    /// Checks that `program` and `createdb` next to it can be run.
    ///
    /// - Throws: ``BenchError/externalTool(tool:message:)`` naming the missing program.
    package static func checkPrograms(_ pgbench: String) throws {
        for program in [pgbench, Self.createdb(next: pgbench)]
        where !FileManager.default.isExecutableFile(atPath: program) {
            throw BenchError.externalTool(
                tool: "pgbench",
                message: "no \(program); install PostgreSQL's client programs or pass --pgbench PATH"
            )
        }
    }

    /// Creates the database and loads pgbench's tables at `scale` (100,000 accounts per unit).
    package func initialize(scale: Int) async throws {
        let created = try await self.execute(self.createdb, self.connection + [self.database])
        try self.check(created, what: "createdb \(self.database)")
        let loaded = try await self.execute(
            self.program,
            self.connection + ["-i", "-q", "-s", "\(scale)", self.database]
        )
        try self.check(loaded, what: "pgbench -i -s \(scale)")
    }

    /// Runs `script` unmeasured for `warmupSeconds` (if more than 0), then for `seconds` with a per-transaction
    /// log, and returns both the summary and the latencies.
    ///
    /// - Throws: ``BenchError/externalTool(tool:message:)`` when pgbench fails, prints no summary or reports
    ///   failed transactions.
    package func run(
        _ script: PgbenchScript,
        clients: Int,
        threads: Int,
        warmupSeconds: Int,
        seconds: Int,
        tag: String
    ) async throws -> PgbenchRound {
        let common = self.connection + script.arguments + ["-c", "\(clients)", "-j", "\(threads)"]
        if warmupSeconds > 0 {
            let warmup = try await self.execute(
                self.program,
                common + ["-T", "\(warmupSeconds)", self.database]
            )
            try self.check(warmup, what: "\(script.label) warm-up")
        }
        let prefix = "pgbench-\(script.rawValue)-\(tag)"
        let outcome = try await self.execute(
            self.program,
            common + ["-T", "\(seconds)", "-l", "--log-prefix=\(self.workFolder)/\(prefix)", self.database]
        )
        try self.check(outcome, what: script.label)
        let output = try PgbenchOutput(parsing: outcome.output)
        guard output.failedTransactions == 0 else {
            throw BenchError.externalTool(
                tool: "pgbench",
                message: "\(script.label): \(output.failedTransactions) transaction(s) failed"
            )
        }
        var tally = WorkerTally()
        let logs = try FileManager.default.contentsOfDirectory(atPath: self.workFolder)
            .filter { $0.hasPrefix("\(prefix).") }
        for log in logs {
            let path = "\(self.workFolder)/\(log)"
            try PgbenchOutput.recordLog(try String(contentsOfFile: path, encoding: .utf8), into: &tally)
            try? FileManager.default.removeItem(atPath: path)
        }
        guard tally.calls > 0 else {
            throw BenchError.externalTool(tool: "pgbench", message: "\(script.label) wrote no transaction log")
        }
        return PgbenchRound(output: output, tally: tally, seconds: seconds)
    }

    private var createdb: String { Self.createdb(next: self.program) }

    private static func createdb(next pgbench: String) -> String {
        URL(fileURLWithPath: pgbench).deletingLastPathComponent().appendingPathComponent("createdb").path
    }

    private var connection: [String] {
        ["-h", self.cluster.socketDirectory, "-p", "\(self.cluster.port)", "-U", self.cluster.user]
    }

    /// Runs a client program with its output in the work folder; a run longer than expected is killed.
    private func execute(_ program: String, _ arguments: [String]) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run(
            [program] + arguments,
            log: "\(self.workFolder)/pgbench.out",
            timeout: .seconds(3600)
        )
    }

    private func check(_ outcome: ChildProcess.Outcome, what: String) throws {
        guard outcome.status == 0 else {
            let lines = outcome.output.split(separator: "\n").filter { !$0.isEmpty }
            throw BenchError.externalTool(
                tool: "pgbench",
                message: "\(what) exited with \(outcome.status): \(lines.suffix(3).joined(separator: " / "))"
            )
        }
    }
}

/// Where a PostgreSQL cluster's Unix socket is, read from the `postmaster.pid` the server writes.
package struct ClusterSocket: Sendable, Hashable {
    package var socketDirectory: String
    package var port: Int
    /// The role to connect as (the embedded cluster's superuser, trusted on its private socket).
    package var user: String

    package init(socketDirectory: String, port: Int, user: String) {
        self.socketDirectory = socketDirectory
        self.port = port
        self.user = user
    }

    /// Reads `postmaster.pid`: line 4 is the port, line 5 the socket directory.
    package init?(postmasterPID text: String, user: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 5, let port = Int(lines[3].trimmingCharacters(in: .whitespaces)),
            (1...65535).contains(port)
        else { return nil }
        let directory = lines[4].trimmingCharacters(in: .whitespaces)
        guard directory.hasPrefix("/") else { return nil }
        self.init(socketDirectory: directory, port: port, user: user)
    }
}
