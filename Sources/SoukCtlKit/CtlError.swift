/// Why a soukctl command failed: what happened, what to do, and the exit status that tells the kind apart.
///
/// The message is one line on standard error: `soukctl: <message>; <hint>`. It never carries a token or a
/// password.
package struct CtlError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The kind of failure; each has its own exit status.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Wrapped: Sendable, Hashable {
            case usage, refused, unavailable, auth, `internal`
        }

        private let wrapped: Wrapped

        /// The command line was wrong (a flag, an argument, a file): exit status 64.
        package static let usage = Self(wrapped: .usage)
        /// The server refused the request as invalid (bad field, not found, exists, wrong state): 65.
        package static let refused = Self(wrapped: .refused)
        /// The server could not be reached or did not answer in time: 69.
        package static let unavailable = Self(wrapped: .unavailable)
        /// Not logged in, the login expired, or the account may not do this: 77.
        package static let auth = Self(wrapped: .auth)
        /// Anything else: 70.
        package static let `internal` = Self(wrapped: .internal)

        /// The process exit status (sysexits.h values).
        package var exitStatus: Int32 {
            switch self.wrapped {
            case .usage: 64
            case .refused: 65
            case .unavailable: 69
            case .auth: 77
            case .internal: 70
            }
        }

        package var description: String {
            switch self.wrapped {
            case .usage: "usage"
            case .refused: "refused"
            case .unavailable: "unavailable"
            case .auth: "auth"
            case .internal: "internal"
            }
        }
    }

    /// The kind of failure.
    package var code: Code
    /// What happened, e.g. `price: '14.999' is not an amount`.
    package var message: String
    /// What to do about it, e.g. ``run `soukctl login` ``; may be empty.
    package var hint: String

    /// Creates an error.
    package init(_ code: Code, _ message: String, hint: String = "") {
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// The one line printed on standard error.
    package var line: String {
        self.hint.isEmpty ? "soukctl: \(self.message)" : "soukctl: \(self.message); \(self.hint)"
    }

    package var description: String { self.line }

    /// Not logged in to `context`.
    package static func notLoggedIn(context: String) -> Self {
        Self(.auth, "not logged in to context '\(context)'", hint: "run `soukctl login --email …`")
    }

    /// The saved login cannot be used any more.
    package static let loginExpired = Self(.auth, "your login has expired", hint: "run `soukctl login`")
}
