import Crypto
import Foundation
import SoukAccess

/// Random secrets (refresh tokens, recovery codes, client secrets) and the hashes stored in their place.
enum Secrets {
    /// `count` random bytes as base64url without padding.
    static func token(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return AccessTokenVerifier.base64URL(bytes)
    }

    /// A recovery code people can type: ten characters from an unambiguous alphabet, as `xxxxx-xxxxx`.
    static func recoveryCode() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(characters[0..<5]) + "-" + String(characters[5..<10])
    }

    /// SHA-256 as hex: how tokens and codes with 128+ bits of entropy are stored (no salt or stretching needed).
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A one-time password for a new staff or admin account: 20 characters, changed at first login.
    static func oneTimePassword() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
