package import Foundation

/// Where the published lists live.
package protocol RecommendationsStore: Sendable {
    /// The served version (0 before any publication) and, in it, the list of `kind` for `subject`, if any.
    func served(_ kind: ScoredList.Kind, subject: String) async throws -> (version: Int64, list: ScoredList?)

    /// Writes a new version from the lists `produce` hands to `write`, and serves it, all in one transaction: a
    /// reader sees the old version or the new one, never a mixture, and nothing when `produce` throws.
    ///
    /// - Returns: the new version.
    func publish(
        at time: Date,
        _ produce: (_ write: (ScoredList) async throws -> Void) async throws -> Void
    ) async throws -> Int64
}
