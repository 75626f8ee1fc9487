import Synchronization

/// What a running case has: the target, its connections (closed when the case ends) and the transcript of every
/// frame sent and seen, which a failure prints.
package final class CaseContext: Sendable {
    /// The endpoint under test.
    package let target: ConformanceTarget
    private let state = Mutex<(transcript: [String], connections: [RawConnection])>(([], []))

    /// Creates the context of one case run.
    package init(target: ConformanceTarget) {
        self.target = target
    }

    /// Every frame sent (`C→S`) and seen (`S→C`), in order.
    package var transcript: [String] { self.state.withLock { $0.transcript } }

    /// Adds a line to the transcript.
    package func log(_ line: String) {
        self.state.withLock { $0.transcript.append(line) }
    }

    /// Opens a raw connection, closed when the case ends.
    package func connect(
        tls: RawConnection.TLSOptions = RawConnection.TLSOptions(),
        readTimeout: Duration? = nil
    ) async throws -> RawConnection {
        var target = self.target
        if let readTimeout { target.readTimeout = readTimeout }
        let connection = try await RawConnection.connect(to: target, tls: tls)
        self.state.withLock { $0.connections.append(connection) }
        return connection
    }

    /// Opens a connection and completes the handshake of PROTOCOL.md §3 with `settings` (see ``Session/open``).
    package func session(settings: [(UInt16, UInt32)] = []) async throws -> Session {
        try await Session.open(self, settings: settings)
    }

    /// Closes every connection the case opened.
    package func closeAll() {
        for connection in self.state.withLock({ $0.connections }) { connection.close() }
    }
}
