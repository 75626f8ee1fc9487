import Foundation

extension WebAssets {
    /// Where the admin page is found when no folder is named: `clients/web` of the working folder, else of the
    /// source tree the running executable was built in (`.build/<triple>/debug/soukd` lies four levels below it),
    /// else `share/souk/web` beside an installed `bin/`. Nil when none of them holds an `index.html`.
    ///
    /// - Parameter executable: the running executable's path (default: read from `/proc/self/exe`).
    package static func defaultFolder(
        workingFolder: String = FileManager.default.currentDirectoryPath,
        executable: String? = WebAssets.executablePath()
    ) -> String? {
        var candidates = [URL(fileURLWithPath: workingFolder).appendingPathComponent("clients/web")]
        if let executable {
            var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            candidates.append(folder.deletingLastPathComponent().appendingPathComponent("share/souk/web"))
            for _ in 0..<5 {
                candidates.append(folder.appendingPathComponent("clients/web"))
                folder.deleteLastPathComponent()
            }
        }
        return candidates.map(\.standardizedFileURL.path).first {
            FileManager.default.fileExists(atPath: "\($0)/index.html")
        }
    }

    /// The running executable's path, following `/proc/self/exe` (Linux), else the bundle's.
    package static func executablePath() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
    }
}
