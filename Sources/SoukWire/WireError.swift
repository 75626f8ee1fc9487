/// A protocol violation, with the outcome PROTOCOL.md defines for it.
package struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Whether the violation ends the connection or one stream.
    package enum Scope: Sendable, Hashable {
        /// Ends the connection with GOAWAY and this code.
        case connection(WireErrorCode)
        /// Ends one stream with CANCEL and this gRPC status code.
        case stream(UInt32, statusCode: UInt32)
    }

    /// What the violation ends.
    package var scope: Scope
    /// What happened; safe to show the peer as GOAWAY debug text.
    package var message: String

    /// A connection error.
    package static func connection(_ code: WireErrorCode, _ message: String) -> Self {
        Self(scope: .connection(code), message: message)
    }

    /// A stream error.
    package static func stream(_ id: UInt32, status: UInt32, _ message: String) -> Self {
        Self(scope: .stream(id, statusCode: status), message: message)
    }

    package var description: String {
        switch self.scope {
        case .connection(let code): return "SWP connection error \(code): \(self.message)"
        case .stream(let id, let status): return "SWP stream \(id) error (status \(status)): \(self.message)"
        }
    }
}
