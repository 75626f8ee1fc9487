import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Plain HTTP against the local providers' pages, as a customer's browser would follow a link.
enum LocalHTTP {
    /// GETs `url`, following no redirect (the return URL is the shop's, not reachable here), and returns the status.
    @discardableResult
    static func get(_ url: String) async throws -> UInt {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            return response.status.code
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
