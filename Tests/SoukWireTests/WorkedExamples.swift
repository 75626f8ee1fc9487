import Foundation

/// The byte dumps of PROTOCOL.md §18, read from the document itself.
///
/// A dump line of a code block is hex bytes (two digits each, separated by one or two spaces), then three or more
/// spaces and what they mean. A unit starts with a line such as `C→S @8   SETTINGS, 18 bytes`; a code block with no
/// such line is a loose example (a frame shown as an alternative), kept apart in ``loose``.
struct WorkedExamples {
    /// One preface or frame of the exchange, in document order.
    struct Unit: CustomStringConvertible {
        /// The subsection, for example `18.2`.
        var section: String
        /// Whether the client sends it.
        var isFromClient: Bool
        /// The offset the document gives, from the start of the direction's byte stream.
        var offset: Int
        /// The size the document gives.
        var declaredSize: Int
        /// What the document calls it, for example `SETTINGS ACK`.
        var label: String
        /// The bytes of its dump lines.
        var bytes: [UInt8]

        var description: String {
            "§\(self.section) \(self.isFromClient ? "C→S" : "S→C") @\(self.offset) \(self.label)"
        }
    }

    /// The units of §18's exchange, in document order.
    var units: [Unit] = []
    /// The bytes of each code block that is not part of the exchange, in document order.
    var loose: [[UInt8]] = []

    /// PROTOCOL.md at the root of the repository.
    static func protocolDocument(filePath: String = #filePath) throws -> String {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("PROTOCOL.md"), encoding: .utf8)
    }

    /// Reads §18 of `document`.
    init(document: String) {
        var section = ""
        var inSection = false
        var inBlock = false
        var blockHasUnit = false
        var blockBytes: [UInt8] = []
        for line in document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("## ") {
                inSection = line.hasPrefix("## 18.")
                continue
            }
            guard inSection else { continue }
            if line.hasPrefix("### ") {
                section = String(line.dropFirst(4).prefix { $0 != " " })
                continue
            }
            if line.hasPrefix("```") {
                if inBlock, !blockHasUnit, !blockBytes.isEmpty { self.loose.append(blockBytes) }
                inBlock.toggle()
                blockHasUnit = false
                blockBytes = []
                continue
            }
            guard inBlock else { continue }
            if let unit = Self.unitHeading(line, section: section) {
                self.units.append(unit)
                blockHasUnit = true
            } else if let bytes = Self.dumpBytes(line) {
                if blockHasUnit {
                    self.units[self.units.count - 1].bytes += bytes
                } else {
                    blockBytes += bytes
                }
            }
        }
    }

    /// `C→S @8   SETTINGS, 18 bytes` as a unit with no bytes yet.
    static func unitHeading(_ line: String, section: String) -> Unit? {
        let isFromClient: Bool
        if line.hasPrefix("C→S @") {
            isFromClient = true
        } else if line.hasPrefix("S→C @") {
            isFromClient = false
        } else {
            return nil
        }
        let rest = line.dropFirst("C→S @".count)
        let offsetText = rest.prefix { $0.isNumber }
        let described = rest.dropFirst(offsetText.count).trimmingCharacters(in: .whitespaces)
        guard let offset = Int(offsetText), described.hasSuffix(" bytes"), let comma = described.lastIndex(of: ",")
        else { return nil }
        let sizeText = described[described.index(after: comma)...].dropLast(" bytes".count)
            .trimmingCharacters(in: .whitespaces)
        guard let size = Int(sizeText) else { return nil }
        return Unit(
            section: section,
            isFromClient: isFromClient,
            offset: offset,
            declaredSize: size,
            label: String(described[..<comma]),
            bytes: []
        )
    }

    /// The bytes of a dump line: the hex pairs before the first run of three or more spaces; nil for any other line.
    static func dumpBytes(_ line: String) -> [UInt8]? {
        let hexPart = line.components(separatedBy: "   ").first ?? ""
        let tokens = hexPart.split(separator: " ")
        guard !tokens.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for token in tokens {
            guard token.count == 2, let byte = UInt8(token, radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// `bytes` cut into the preface (when `startsWithPreface`) and frames, in the document's notation, to compare by
    /// eye or paste into the document.
    static func dump(_ bytes: [UInt8], startsWithPreface: Bool, from offset: Int = 0) -> String {
        var lines: [String] = []
        var index = 0
        if startsWithPreface, bytes.count >= 8 {
            lines.append("@\(offset) preface, 8 bytes: \(Self.hex(bytes[0..<8]))")
            index = 8
        }
        while index + 12 <= bytes.count {
            let length =
                Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8
                | Int(bytes[index + 3])
            let end = min(bytes.count, index + 12 + length)
            lines.append(
                "@\(offset + index) type \(bytes[index + 4]), \(end - index) bytes: \(Self.hex(bytes[index..<index + 12]))"
                    + (end > index + 12 ? " | \(Self.hex(bytes[(index + 12)..<end]))" : "")
            )
            index = end
        }
        if index < bytes.count { lines.append("@\(offset + index) left over: \(Self.hex(bytes[index...]))") }
        return lines.joined(separator: "\n")
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}
