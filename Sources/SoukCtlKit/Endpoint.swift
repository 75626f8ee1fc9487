/// A server's address as `host:port` (IPv6 as `[::1]:7700`).
package struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The host name or address, without brackets.
    package var host: String
    /// The TCP port.
    package var port: Int

    /// An endpoint.
    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6 address]:port`.
    ///
    /// - Throws: ``CtlError`` (usage) naming what is wrong.
    package init(parsing text: String) throws {
        let failure = CtlError(
            .usage,
            "--endpoint: '\(text.prefix(80))' is not HOST:PORT",
            hint: "e.g. --endpoint 127.0.0.1:7700"
        )
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw failure
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { throw failure }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace), let port = Int(portText), (1...65535).contains(port)
        else { throw failure }
        self.init(host: String(host), port: port)
    }

    package var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
