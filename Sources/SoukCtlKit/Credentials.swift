import Foundation

/// A saved login: the token pair of one session. Stored per context with mode 0600; never printed.
package struct Credentials: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The access token (a JWT), sent as `authorization: Bearer …`.
    package var accessToken: String
    /// When the access token expires, Unix milliseconds.
    package var accessExpiresAtUnixMs: Int64
    /// The refresh token that renews the access token (and rotates on every use).
    package var refreshToken: String
    /// When the refresh token expires, Unix milliseconds.
    package var refreshExpiresAtUnixMs: Int64
    /// The session's id.
    package var sessionID: String
    /// The email the login was made with.
    package var email: String

    /// Saved credentials.
    package init(
        accessToken: String,
        accessExpiresAtUnixMs: Int64,
        refreshToken: String,
        refreshExpiresAtUnixMs: Int64,
        sessionID: String,
        email: String
    ) {
        self.accessToken = accessToken
        self.accessExpiresAtUnixMs = accessExpiresAtUnixMs
        self.refreshToken = refreshToken
        self.refreshExpiresAtUnixMs = refreshExpiresAtUnixMs
        self.sessionID = sessionID
        self.email = email
    }

    /// Redacted: tokens never reach a log or a terminal.
    package var description: String { "Credentials(\(self.email), session \(self.sessionID), tokens redacted)" }

    /// Loads the credentials of `context` from `folder`.
    ///
    /// - Returns: nil when there is no file (not logged in).
    /// - Throws: ``CtlError/loginExpired`` when the file is unreadable or damaged.
    package static func load(context: String, from folder: ConfigFolder) throws -> Self? {
        guard let bytes = PrivateFiles.read(folder.credentialsFile(context: context)) else { return nil }
        guard let credentials = try? JSONDecoder().decode(Self.self, from: Data(bytes)),
            !credentials.accessToken.isEmpty, !credentials.refreshToken.isEmpty
        else {
            throw CtlError(.auth, "the saved login of context '\(context)' is damaged", hint: "run `soukctl login`")
        }
        return credentials
    }

    /// Saves these credentials for `context` in `folder` (folder 0700, file 0600).
    package func save(context: String, to folder: ConfigFolder) throws {
        try PrivateFiles.makeFolder(folder.path)
        try PrivateFiles.makeFolder(folder.credentialsFolder)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try PrivateFiles.write(Array(try encoder.encode(self)), to: folder.credentialsFile(context: context))
    }

    /// Deletes the credentials of `context`; true when there were any.
    @discardableResult
    package static func delete(context: String, from folder: ConfigFolder) -> Bool {
        PrivateFiles.remove(folder.credentialsFile(context: context))
    }
}
