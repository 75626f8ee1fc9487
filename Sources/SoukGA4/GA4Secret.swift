/// A secret (the Measurement Protocol api secret, or the key of the client ids): printed, logged or reflected, it
/// shows as `(redacted)`.
package struct GA4Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself, for the request (or the hash) that needs it only.
    package let value: String

    package init(_ value: String) { self.value = value }

    package var description: String { "(redacted)" }
    package var debugDescription: String { "(redacted)" }
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}
