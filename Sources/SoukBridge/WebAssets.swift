import Foundation
import Hummingbird
import NIOCore

/// The admin page's files (`clients/web`), read once at start-up and served at `/` with `GET` or `HEAD`.
///
/// Only regular files with a known type are loaded, so nothing outside the folder, no dot-file and no symbolic
/// link can ever be served; a request path is a dictionary lookup, never a file-system path. Every answer carries
/// a strict Content-Security-Policy (same-origin scripts, styles and connections only; no framing), `nosniff`,
/// and `Cache-Control: no-cache` so a new build is picked up at the next load.
package struct WebAssets: Sendable {
    /// One file: its bytes and content type.
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
    }

    /// The files by URL path (`/index.html`, `/js/app.js`); a path ending in `/` maps to its folder's
    /// `index.html` (`/` to the admin page, `/shop/` to the storefront).
    let files: [String: Asset]
    /// The absolute path of the folder they were read from.
    package let folder: String

    /// The content types served, by file extension; other files in the folder are ignored.
    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "json": "application/json",
        "svg": "image/svg+xml",
        "png": "image/png",
        "ico": "image/x-icon",
        "webmanifest": "application/manifest+json",
    ]

    /// At most this many files and bytes are loaded, so a wrong `--web-root` (a home folder, say) fails clearly.
    static let maxFiles = 500
    static let maxBytes = 32 << 20

    /// The page's security headers, sent with every file. Pictures may also come from https hosts: product
    /// pictures are the merchant's https URLs (a CDN); scripts, styles and calls stay on this origin.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'self'; img-src 'self' data: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        .cacheControl: "no-cache",
        .referrerPolicy: "same-origin",
    ]

    /// Loads every servable file under `folder`.
    /// - Throws: ``WebAssetsError`` when the folder cannot be read, has no `index.html`, or is too large.
    package init(folder: String) throws {
        let root = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw WebAssetsError("web root: \(folder) is not a folder")
        }
        guard
            let walker = FileManager.default.enumerator(
                at: root,
                includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey],
                options: [.skipsHiddenFiles]
            )
        else {
            throw WebAssetsError("web root: cannot read \(folder)")
        }
        var files: [String: Asset] = [:]
        var total = 0
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values.isRegularFile == true, values.isSymbolicLink != true,
                let type = Self.contentTypes[url.pathExtension.lowercased()]
            else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(root.path.count)
            guard relative.hasPrefix("/") else { continue }
            let data = try Data(contentsOf: url)
            total += data.count
            guard files.count < Self.maxFiles, total <= Self.maxBytes else {
                throw WebAssetsError(
                    "web root: \(folder) has more than \(Self.maxFiles) files or \(Self.maxBytes >> 20) MiB"
                )
            }
            files[String(relative)] = Asset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        guard files["/index.html"] != nil else { throw WebAssetsError("web root: \(folder) has no index.html") }
        self.files = files
        self.folder = root.path
    }

    /// How many files are served.
    package var count: Int { self.files.count }

    /// The answer to a `GET` or `HEAD` of `path`, or nil when no such file is served.
    func response(path: String, headOnly: Bool) -> Response? {
        let key = path.hasSuffix("/") ? path + "index.html" : path
        guard let asset = self.files[key] else { return nil }
        var headers = Self.securityHeaders
        headers[.contentType] = asset.contentType
        if headOnly {
            headers[.contentLength] = "\(asset.bytes.readableBytes)"
            return Response(status: .ok, headers: headers, body: ResponseBody())
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.bytes))
    }

    /// A plain 404 for a `GET` of something that is neither a file nor an endpoint.
    static func notFound(_ path: String) -> Response {
        var headers = Self.securityHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(
            status: .notFound,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: "not found: \(path)\n"))
        )
    }
}

/// A web root that cannot be served, with what is wrong.
package struct WebAssetsError: Error, CustomStringConvertible, Sendable {
    package let description: String
    init(_ description: String) { self.description = description }
}
