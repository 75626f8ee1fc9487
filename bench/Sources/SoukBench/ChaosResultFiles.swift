import Foundation

/// Writes a chaos report as `NAME.json` and `NAME.md` in a folder.
package struct ChaosResultFiles: Sendable {
    package var folder: String
    package var name: String

    package init(folder: String, name: String) {
        self.folder = folder
        self.name = name
    }

    /// Writes both files, creating the folder if needed.
    package func write(_ report: ChaosReport) throws {
        try FileManager.default.createDirectory(atPath: self.folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: self.url("json"))
        try Data(ChaosSummary.markdown(report).utf8).write(to: self.url("md"))
    }

    private func url(_ suffix: String) -> URL {
        URL(fileURLWithPath: self.folder).appendingPathComponent("\(self.name).\(suffix)")
    }
}
