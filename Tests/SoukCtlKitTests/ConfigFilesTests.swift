import Foundation
import SoukCtlKit
import Testing

@Suite("Contexts and saved logins on disk")
struct ConfigFilesTests {
    private func withFolder(_ body: (ConfigFolder) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("soukctl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(ConfigFolder(path: path + "/souk"))
    }

    @Test("the folder comes from SOUK_CONFIG_HOME, then XDG_CONFIG_HOME, then HOME")
    func location() throws {
        #expect(try ConfigFolder(environment: ["SOUK_CONFIG_HOME": "/a", "HOME": "/h"]).path == "/a")
        #expect(try ConfigFolder(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]).path == "/x/souk")
        #expect(try ConfigFolder(environment: ["HOME": "/h", "SOUK_CONFIG_HOME": ""]).path == "/h/.config/souk")
        #expect(throws: CtlError.self) { try ConfigFolder(environment: [:]) }
    }

    @Test("contexts: the first added is current, use switches, remove forgets, --context overrides")
    func contexts() throws {
        try self.withFolder { folder in
            var store = try ContextStore.load(from: folder)
            #expect(throws: CtlError.self) { try store.resolve(override: nil) }
            try store.add(Context(name: "local", endpoint: "127.0.0.1:7700", certificateAuthority: "/ca.pem"))
            try store.add(Context(name: "prod", endpoint: "shop.example:7700", certificateAuthority: nil))
            try store.save(to: folder)
            store = try ContextStore.load(from: folder)
            #expect(try store.resolve(override: nil).name == "local")
            #expect(try store.resolve(override: "prod").endpoint == "shop.example:7700")
            try store.use("prod")
            #expect(store.current == "prod")
            #expect(throws: CtlError.self) { try store.use("nope") }
            #expect(throws: CtlError.self) {
                try store.add(Context(name: "../x", endpoint: "a:1", certificateAuthority: nil))
            }
            try store.remove("prod")
            #expect(store.current == nil)
            #expect(store.sorted.map(\.name) == ["local"])
            #expect(PrivateFiles.mode(of: folder.path) == 0o700)
            #expect(PrivateFiles.mode(of: folder.contextsFile) == 0o600)
        }
    }

    @Test("credentials are written with mode 0600 in a 0700 folder, read back, and deleted")
    func credentials() throws {
        try self.withFolder { folder in
            #expect(try Credentials.load(context: "local", from: folder) == nil)
            let saved = Credentials(
                accessToken: "a.b.c",
                accessExpiresAtUnixMs: 2_000,
                refreshToken: "r",
                refreshExpiresAtUnixMs: 10_000,
                sessionID: "s",
                email: "e@x"
            )
            // A umask that would leave the file readable to others must not matter.
            let old = umask(0)
            defer { umask(old) }
            try saved.save(context: "local", to: folder)
            #expect(PrivateFiles.mode(of: folder.credentialsFile(context: "local")) == 0o600)
            #expect(PrivateFiles.mode(of: folder.credentialsFolder) == 0o700)
            #expect(try Credentials.load(context: "local", from: folder) == saved)
            #expect(!saved.description.contains("a.b.c"))
            #expect(Credentials.delete(context: "local", from: folder))
            #expect(try Credentials.load(context: "local", from: folder) == nil)
        }
    }

    @Test("a damaged credentials file is an auth error that says to log in")
    func damaged() throws {
        try self.withFolder { folder in
            try PrivateFiles.makeFolder(folder.path)
            try PrivateFiles.makeFolder(folder.credentialsFolder)
            try PrivateFiles.write(Array("{not json".utf8), to: folder.credentialsFile(context: "local"))
            let error = #expect(throws: CtlError.self) { try Credentials.load(context: "local", from: folder) }
            #expect(error?.code == .auth)
            #expect(error?.hint == "run `soukctl login`")
        }
    }

    @Test(
        "endpoints parse as HOST:PORT",
        arguments: [
            ("127.0.0.1:7700", "127.0.0.1", 7700), ("[::1]:7700", "::1", 7700), ("shop.example:1", "shop.example", 1),
        ]
    )
    func endpoints(text: String, host: String, port: Int) throws {
        let endpoint = try Endpoint(parsing: text)
        #expect(endpoint.host == host && endpoint.port == port)
        #expect(endpoint.description == text)
    }

    @Test("bad endpoints are usage errors", arguments: ["127.0.0.1", ":7700", "a:0", "a:70000", "::1:7700", "a b:1"])
    func badEndpoints(text: String) {
        #expect(throws: CtlError.self) { try Endpoint(parsing: text) }
    }
}
