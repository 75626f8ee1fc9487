/// A courier credential (CDEK's client secret, an EasyPost API key, a webhook secret) that never shows itself:
/// its description, debug description and mirror are redacted, so it cannot reach a log by accident.
package struct CourierSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself, for the request that needs it only.
    package let value: String

    /// Wraps `value` (read from the environment or a 0600 file, never from flags).
    package init(_ value: String) { self.value = value }

    package var description: String { "(redacted)" }
    package var debugDescription: String { self.description }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
