import Crypto
import CryptoExtras
import Foundation
import NIOPosix

/// Hashes and verifies passwords with scrypt (RFC 7914).
///
/// A stored hash carries its own parameters, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, no padding), so
/// the cost can be raised later: a hash made with weaker parameters verifies and reports ``Verdict/needsRehash``,
/// and the login that proved the password stores a new one. Hashing runs on NIO's thread pool, never on an
/// event loop or the cooperative pool.
package struct PasswordHasher: Sendable {
    /// scrypt's cost parameters.
    package struct Parameters: Sendable, Hashable {
        /// log2 of N, the CPU/memory cost.
        package var logN: Int
        /// Block size r.
        package var blockSize: Int
        /// Parallelism p.
        package var parallelism: Int

        package init(logN: Int, blockSize: Int, parallelism: Int) {
            self.logN = logN
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// The production default: N = 2^15, r = 8, p = 1 (32 MiB, OWASP's scrypt recommendation).
        package static let standard = Parameters(logN: 15, blockSize: 8, parallelism: 1)
        /// A cheap setting for tests that log in many times; never for production.
        package static let testing = Parameters(logN: 10, blockSize: 8, parallelism: 1)

        /// Whether these are at least as strong as `other`.
        func isAtLeast(_ other: Parameters) -> Bool {
            self.logN >= other.logN && self.blockSize >= other.blockSize && self.parallelism >= other.parallelism
        }
    }

    /// What a verification found.
    package enum Verdict: Sendable, Equatable {
        case mismatch
        case match
        /// The password is right, but the hash's parameters are weaker than the current ones.
        case needsRehash
    }

    /// The parameters new hashes use.
    package let parameters: Parameters

    package init(parameters: Parameters = .standard) {
        self.parameters = parameters
    }

    /// A new hash of `password` with a random 16-byte salt.
    package func hash(_ password: String) async throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let parameters = self.parameters
        let derived = try await NIOThreadPool.singleton.runIfActive {
            try Self.derive(password, salt: salt, parameters: parameters)
        }
        return Self.format(parameters: parameters, salt: salt, hash: derived)
    }

    /// Checks `password` against `stored`. A malformed stored hash never matches.
    package func verify(_ password: String, against stored: String) async throws -> Verdict {
        guard let parsed = Self.parse(stored) else { return .mismatch }
        let derived = try await NIOThreadPool.singleton.runIfActive {
            try Self.derive(password, salt: parsed.salt, parameters: parsed.parameters)
        }
        guard ConstantTime.equal(derived, parsed.hash) else { return .mismatch }
        return parsed.parameters.isAtLeast(self.parameters) ? .match : .needsRehash
    }

    /// Does the work of one verification and throws the result away: a login for an unknown email takes as
    /// long as one for a known email.
    package func burnEquivalentTime(_ password: String) async throws {
        _ = try await self.hash(password)
    }

    private static func derive(_ password: String, salt: [UInt8], parameters: Parameters) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8),
            salt: salt,
            outputByteCount: 32,
            rounds: 1 << parameters.logN,
            blockSize: parameters.blockSize,
            parallelism: parameters.parallelism
        )
        return key.withUnsafeBytes { Array($0) }
    }

    static func format(parameters: Parameters, salt: [UInt8], hash: [UInt8]) -> String {
        "$scrypt$ln=\(parameters.logN),r=\(parameters.blockSize),p=\(parameters.parallelism)$"
            + "\(Self.base64(salt))$\(Self.base64(hash))"
    }

    static func parse(_ stored: String) -> (parameters: Parameters, salt: [UInt8], hash: [UInt8])? {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt" else { return nil }
        var values: [String: Int] = [:]
        for pair in parts[1].split(separator: ",") {
            let keyValue = pair.split(separator: "=")
            guard keyValue.count == 2, let value = Int(keyValue[1]) else { return nil }
            values[String(keyValue[0])] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], (1...20).contains(logN),
            (1...32).contains(r), (1...16).contains(p),
            let salt = Self.unbase64(String(parts[2])), let hash = Self.unbase64(String(parts[3])), hash.count == 32
        else { return nil }
        return (Parameters(logN: logN, blockSize: r, parallelism: p), salt, hash)
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    private static func unbase64(_ text: String) -> [UInt8]? {
        let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: padded).map { Array($0) }
    }
}
