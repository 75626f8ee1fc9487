import Foundation
import SoukCtlKit
import SwiftProtobuf

/// Writes results on standard output and messages on standard error, unbuffered (so `orders watch` piped into
/// another program shows each update at once).
enum Printer {
    /// One line on standard output.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// One line on standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A table fitted to the terminal's width.
    static func table(_ header: [String], _ rows: [[String]]) {
        Self.line(Table(header: header, rows: rows).render(width: Terminal.width))
    }

    /// `field: value` lines, the field names aligned.
    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (name, value) in pairs {
            Self.line(name + ":" + String(repeating: " ", count: width - name.count + 1) + value)
        }
    }

    /// One message in the protobuf JSON mapping.
    static func json(_ message: some SwiftProtobuf.Message) throws {
        Self.line(try message.jsonString())
    }

    /// Messages as one JSON array.
    static func json(_ messages: [some SwiftProtobuf.Message]) throws {
        Self.line(try OutputFormat.jsonArray(messages))
    }
}
