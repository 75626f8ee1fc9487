/// The file of known disagreements: one case id per line, then its reason; `#` starts a comment.
///
/// ```
/// # id      reason
/// 3/4       soukd sends no GOAWAY(SETTINGS_TIMEOUT)
/// ```
package enum KnownDisagreements {
    /// The case ids listed in `text`.
    package static func parse(_ text: String) -> Set<String> {
        var ids: Set<String> = []
        for line in text.split(separator: "\n") {
            let content = line.prefix { $0 != "#" }
            if let id = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).first {
                ids.insert(String(id))
            }
        }
        return ids
    }
}
