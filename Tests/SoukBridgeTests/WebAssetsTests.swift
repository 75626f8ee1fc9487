import Foundation
import Hummingbird
import Testing

@testable import SoukBridge

@Suite("The admin page's files as the bridge serves them")
struct WebAssetsTests {
    /// A throwaway web root with `files` (relative path → text); removed after `body`.
    static func withFolder(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("souk-web-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(text.utf8).write(to: url)
        }
        try body(folder.path)
    }

    @Test("a folder's path ending in / is its index.html; without the slash, or a folder without one, nothing")
    func folderIndexes() throws {
        let files = ["index.html": "admin", "shop/index.html": "store", "shop/js/app.js": "export {};"]
        try Self.withFolder(files) { folder in
            let assets = try WebAssets(folder: folder)
            #expect(assets.response(path: "/shop/", headOnly: false)?.body.contentLength == "store".utf8.count)
            #expect(assets.response(path: "/", headOnly: false)?.body.contentLength == "admin".utf8.count)
            for path in ["/shop", "/shop/js/", "/nowhere/", "/shop//"] {
                #expect(assets.response(path: path, headOnly: false) == nil, "\(path)")
            }
        }
    }

    @Test("serves known types by URL path, / as index.html, with the security headers")
    func servesFiles() throws {
        let files = [
            "index.html": "<!doctype html>", "js/app.js": "export {};", "css/app.css": "body{}",
            ".hidden.js": "no", "notes.txt": "no", "js/.env": "SECRET=1",
        ]
        try Self.withFolder(files) { folder in
            let assets = try WebAssets(folder: folder)
            #expect(assets.count == 3)
            let page = try #require(assets.response(path: "/", headOnly: false))
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("img-src 'self' data: https:;") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.body.contentLength == "<!doctype html>".utf8.count)
            #expect(
                assets.response(path: "/js/app.js", headOnly: false)?.headers[.contentType]?.hasPrefix(
                    "text/javascript"
                ) == true
            )
            let head = try #require(assets.response(path: "/css/app.css", headOnly: true))
            #expect(head.headers[.contentLength] == "6")
            #expect(head.body.contentLength == 0)
            for path in ["/.hidden.js", "/notes.txt", "/js/.env", "/js/../index.html", "/index.html/", "//index.html"] {
                #expect(assets.response(path: path, headOnly: false) == nil, "\(path)")
            }
        }
    }

    @Test("the installable admin page: its manifest, icons and service worker with their types and headers")
    func installableAdminPage() throws {
        let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../clients/web").standardizedFileURL.path
        let assets = try WebAssets(folder: web)
        let expected = [
            "/manifest.webmanifest": "application/manifest+json",
            "/sw.js": "text/javascript; charset=utf-8",
            "/icons/icon-192.png": "image/png",
            "/icons/icon-512.png": "image/png",
            "/icons/icon.svg": "image/svg+xml",
            "/js/views/reports.js": "text/javascript; charset=utf-8",
        ]
        for (path, type) in expected {
            let answer = try #require(assets.response(path: path, headOnly: false), "\(path)")
            #expect(answer.headers[.contentType] == type, "\(path)")
            // The worker is served from the root, so its scope covers the admin page at / without a
            // Service-Worker-Allowed header; the CSP's default-src 'self' is also its worker-src and manifest-src.
            #expect(answer.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self';") == true, "\(path)")
            #expect(answer.headers[.cacheControl] == "no-cache", "\(path)")
        }
    }

    @Test("a folder without index.html, or no folder, is refused with what is wrong")
    func refusesBadRoots() throws {
        try Self.withFolder(["app.js": "x"]) { folder in
            let error = #expect(throws: WebAssetsError.self) { try WebAssets(folder: folder) }
            #expect(error?.description.contains("has no index.html") == true)
        }
        let error = #expect(throws: WebAssetsError.self) { try WebAssets(folder: "/nonexistent/souk-web") }
        #expect(error?.description.contains("is not a folder") == true)
    }
}
