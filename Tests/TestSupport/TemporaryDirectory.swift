import Foundation

/// Runs `body` with a new empty folder under /tmp that is removed afterwards.
///
/// /tmp keeps every parent traversable, which an embedded cluster run as the postgres user needs.
@discardableResult
package func withTemporaryDirectory<Result>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (String) async throws -> Result
) async throws -> Result {
    let path = "/tmp/souk-test-\(UUID().uuidString.prefix(8).lowercased())"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
