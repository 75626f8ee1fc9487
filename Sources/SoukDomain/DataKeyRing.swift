package import Crypto
import Foundation
import GRPCCore

#if canImport(Glibc)
import Glibc
#endif

/// AES-256-GCM keys for personal data at rest, each with an id; the first key seals, every key opens.
///
/// Keys come from a file (one `id:base64-key` per line, newest first) or the `SOUK_DATA_KEYS` environment
/// variable (the same lines separated by `;`), never from the database. A sealed value is
/// `v1.<key id>.<base64 of nonce ‖ ciphertext ‖ tag>` and is bound to what it belongs to (the account id and
/// the field name, as authenticated data), so a value copied to another row or column does not open.
package struct DataKeyRing: Sendable {
    /// One key.
    package struct Key: Sendable {
        package var id: String
        package var key: SymmetricKey

        package init(id: String, key: SymmetricKey) {
            self.id = id
            self.key = key
        }
    }

    /// The keys, sealing key first.
    package let keys: [Key]

    /// A ring of `keys`; the first seals.
    package init(keys: [Key]) throws {
        guard !keys.isEmpty else { throw RPCError(code: .failedPrecondition, message: "the data key ring has no key") }
        var seen: Set<String> = []
        for key in keys {
            guard key.id.range(of: #"^[A-Za-z0-9_-]{1,32}$"#, options: .regularExpression) != nil else {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "data key id '\(key.id)' must be 1-32 of A-Z a-z 0-9 _ -"
                )
            }
            guard key.key.bitCount == 256 else {
                throw RPCError(code: .failedPrecondition, message: "data key '\(key.id)' must be 32 bytes (AES-256)")
            }
            guard seen.insert(key.id).inserted else {
                throw RPCError(code: .failedPrecondition, message: "data key id '\(key.id)' appears twice")
            }
        }
        self.keys = keys
    }

    /// Parses `id:base64` lines (newest first); blank lines and `#` comments are skipped.
    package init(text: String, source: String) throws {
        var keys: [Key] = []
        // Lines (a file) or `;`-separated entries (an environment variable); `#` starts a comment line.
        let entries = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .flatMap { $0.split(separator: ";") }
        for (number, entry) in entries.enumerated() {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let bytes = Data(base64Encoded: String(parts[1])) else {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "\(source), entry \(number + 1): expected id:base64-key"
                )
            }
            keys.append(Key(id: String(parts[0]), key: SymmetricKey(data: bytes)))
        }
        try self.init(keys: keys)
    }

    /// Loads the ring from `SOUK_DATA_KEYS` if set, else from `file`; when neither exists and `createIfMissing`,
    /// writes a new file with one random key (mode 0600), as the development CA does for TLS.
    package static func load(file: String, environment: [String: String], createIfMissing: Bool) throws -> DataKeyRing {
        if let text = environment["SOUK_DATA_KEYS"], !text.isEmpty {
            return try DataKeyRing(text: text, source: "SOUK_DATA_KEYS")
        }
        if FileManager.default.fileExists(atPath: file) {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw RPCError(code: .failedPrecondition, message: "\(file) must not be readable by others (chmod 600)")
            }
            return try DataKeyRing(text: String(contentsOfFile: file, encoding: .utf8), source: file)
        }
        guard createIfMissing else {
            throw RPCError(code: .failedPrecondition, message: "no data keys: set SOUK_DATA_KEYS or create \(file)")
        }
        let key = Self.newKey()
        try Self.write([key], to: file)
        return try DataKeyRing(keys: [key])
    }

    /// Writes `keys` (newest first) to `file` with mode 0600, replacing it atomically.
    package static func write(_ keys: [Key], to file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = keys.map { key in
            "\(key.id):\(key.key.withUnsafeBytes { Data($0).base64EncodedString() })"
        }
        let text =
            "# Souk data keys, newest first: id:base64(32 bytes). Keep them secret and backed up.\n"
            + lines.joined(separator: "\n") + "\n"
        let temporary = file + ".tmp"
        let created = FileManager.default.createFile(
            atPath: temporary,
            contents: Data(text.utf8),
            attributes: [.posixPermissions: 0o600]
        )
        guard created, rename(temporary, file) == 0 else {
            throw RPCError(code: .failedPrecondition, message: "cannot write the data key file \(file)")
        }
    }

    /// A new random key with a new id.
    package static func newKey() -> Key {
        Key(id: Self.newKeyID(), key: SymmetricKey(size: .bits256))
    }

    /// A new key id: `k` and the date and time, e.g. `k20261127T0612`.
    package static func newKeyID() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd'T'HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "k" + formatter.string(from: Date())
    }

    /// Seals `plaintext` under the first key, bound to `context` (e.g. `account/<id>/phone`).
    package func seal(_ plaintext: String, context: String) throws -> String {
        let key = self.keys[0]
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else {
            throw RPCError(code: .internalError, message: "AES-GCM produced no output")
        }
        return "v1.\(key.id).\(combined.base64EncodedString())"
    }

    /// Opens a sealed value made for `context`; throws if the key is unknown or the value was altered or moved.
    package func open(_ sealed: String, context: String) throws -> String {
        let parts = sealed.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "v1", let combined = Data(base64Encoded: String(parts[2])) else {
            throw RPCError(code: .dataLoss, message: "an encrypted value is malformed")
        }
        guard let key = self.keys.first(where: { $0.id == parts[1] }) else {
            throw RPCError(code: .failedPrecondition, message: "data key '\(parts[1])' is not in the key ring")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key.key, authenticating: Data(context.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw RPCError(code: .dataLoss, message: "an encrypted value does not open with its key (altered or moved)")
        }
    }

    /// Blind-index values of `value` for looking it up without storing it: `<key id>:<HMAC-SHA256>`, one per key,
    /// the current (first) key's first. The HMAC key is derived from each data key for `purpose` (HKDF-SHA256), so
    /// the data key itself never serves two uses; equal values give equal results under the same key, and nothing
    /// about the value can be read back.
    package func lookupKeys(_ value: String, purpose: String) -> [String] {
        self.keys.map { key in
            let derived = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key.key,
                info: Data("souk lookup \(purpose)".utf8),
                outputByteCount: 32
            )
            let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: derived)
            let text = Data(mac).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            return "\(key.id):\(text)"
        }
    }

    /// Whether `sealed` was sealed with the current (first) key.
    package func isCurrent(_ sealed: String) -> Bool {
        sealed.hasPrefix("v1.\(self.keys[0].id).")
    }
}
