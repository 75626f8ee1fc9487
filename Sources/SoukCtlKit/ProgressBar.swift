/// A one-line progress bar for standard error: `[#########...........]  45%  1.2 MiB / 2.6 MiB`.
package enum ProgressBar {
    /// The bar for `done` of `total` bytes, at most `width` characters wide.
    package static func render(done: Int64, total: Int64, width: Int) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let percent = Int(fraction * 100)
        let tail =
            " \(percent < 10 ? "  " : percent < 100 ? " " : "")\(percent)%  \(Self.bytes(done)) / \(Self.bytes(total))"
        let barWidth = max(10, min(40, width - tail.count - 2))
        let filled = Int(fraction * Double(barWidth))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "]"
            + tail
    }

    /// `512 B`, `64.0 KiB`, `2.6 MiB`.
    package static func bytes(_ count: Int64) -> String {
        if count < 1024 { return "\(count) B" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(count) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
