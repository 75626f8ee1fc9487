import Foundation
package import SoukProcess

/// Where the PostgreSQL server programs live.
package struct PostgresBinaries: Sendable, Hashable {
    /// The folder holding `initdb`, `pg_ctl` and `postgres`.
    package var directory: String

    /// Path of `initdb`.
    package var initdb: String { "\(self.directory)/initdb" }
    /// Path of `pg_ctl`.
    package var pgCtl: String { "\(self.directory)/pg_ctl" }

    /// Uses the programs in `directory`.
    package init(directory: String) {
        self.directory = directory
    }

    /// Finds the newest Debian PostgreSQL (`/usr/lib/postgresql/<major>/bin`), else `pg_ctl` on `PATH`.
    ///
    /// - Parameters:
    ///   - searchPath: the `PATH` to search when no Debian installation exists.
    ///   - debianRoot: where Debian installs PostgreSQL versions.
    /// - Throws: ``StorageError`` with code ``StorageError/Code/postgresNotInstalled`` naming the package to install.
    package static func locate(searchPath: String?, debianRoot: String = "/usr/lib/postgresql") throws -> Self {
        let fileManager = FileManager.default
        let majors = ((try? fileManager.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { Int($0) }
            .sorted(by: >)
        for major in majors {
            let candidate = "\(debianRoot)/\(major)/bin"
            if fileManager.isExecutableFile(atPath: "\(candidate)/pg_ctl"),
                fileManager.isExecutableFile(atPath: "\(candidate)/initdb")
            {
                return Self(directory: candidate)
            }
        }
        for folder in (searchPath ?? "").split(separator: ":") {
            let candidate = String(folder)
            if fileManager.isExecutableFile(atPath: "\(candidate)/pg_ctl"),
                fileManager.isExecutableFile(atPath: "\(candidate)/initdb")
            {
                return Self(directory: candidate)
            }
        }
        throw StorageError(
            code: .postgresNotInstalled,
            message: """
                PostgreSQL server programs (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or on PATH; \
                install them with 'apt-get install -y postgresql', or set DATABASE_URL to use an existing server
                """
        )
    }

    /// The major version of these binaries, read from `pg_ctl --version` (e.g. 15).
    package func majorVersion(runner: CommandRunner = CommandRunner()) async throws -> Int {
        let outcome: CommandRunner.Outcome
        do {
            outcome = try await runner.run(self.pgCtl, ["--version"])
        } catch let error as CommandError {
            throw StorageError(code: .clusterFailed, message: error.message)
        }
        // "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
        let words = outcome.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        if let index = words.firstIndex(of: "(PostgreSQL)"), words.index(after: index) < words.endIndex {
            let version = words[words.index(after: index)]
            if let major = Int(version.prefix(while: { $0.isNumber })) {
                return major
            }
        }
        throw StorageError(
            code: .clusterFailed,
            message: "could not read the PostgreSQL version from '\(self.pgCtl) --version'"
        )
    }
}
