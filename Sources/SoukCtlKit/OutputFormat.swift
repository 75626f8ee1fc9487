package import SwiftProtobuf

/// How results are printed: `table` for people, `json` for programs.
package enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    /// Columns fitted to the terminal width.
    case table
    /// The protobuf JSON mapping: one object, or a JSON array for lists (JSON lines for `orders watch`).
    case json

    /// `messages` as one JSON array of their protobuf JSON mappings.
    package static func jsonArray(_ messages: [some SwiftProtobuf.Message]) throws -> String {
        "[" + (try messages.map { try $0.jsonString() }).joined(separator: ",") + "]"
    }
}
