/// What a password must be: long enough to resist guessing, short enough not to be a hashing DoS.
package enum PasswordPolicy {
    /// Fewest characters.
    package static let minimumLength = 12
    /// Most UTF-8 bytes (a hash input beyond this only costs the server).
    package static let maximumBytes = 256

    private static let common: Set<String> = [
        "123456789012", "password1234", "qwertyuiop12", "passwordpassword", "123123123123", "111111111111",
        "iloveyou1234", "adminadmin12", "letmein12345", "welcome12345", "qwerty123456", "1q2w3e4r5t6y",
    ]

    /// Checks `password` for an account with `email`; throws ``IdentityError`` (INVALID_ARGUMENT) naming the rule.
    package static func check(_ password: String, email: String) throws {
        if password.count < Self.minimumLength {
            throw IdentityError.invalidArgument("password: must be at least \(Self.minimumLength) characters")
        }
        if password.utf8.count > Self.maximumBytes {
            throw IdentityError.invalidArgument("password: must be at most \(Self.maximumBytes) bytes")
        }
        if Set(password).count < 4 {
            throw IdentityError.invalidArgument("password: must use at least 4 different characters")
        }
        let lowered = password.lowercased()
        if Self.common.contains(lowered) {
            throw IdentityError.invalidArgument("password: is one of the most common passwords")
        }
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if !local.isEmpty, local.count >= 4, lowered.contains(local) {
            throw IdentityError.invalidArgument("password: must not contain the email's name")
        }
    }
}
