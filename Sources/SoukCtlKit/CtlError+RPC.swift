import Foundation
package import GRPCCore

extension CtlError {
    /// The error a failed call becomes: its status code picks the exit status, its message says what happened.
    ///
    /// - Parameters:
    ///   - error: the call's error.
    ///   - endpoint: `host:port` of the server, named when it cannot be reached.
    package init(rpcError error: RPCError, endpoint: String) {
        let message = error.message.isEmpty ? "\(error.code)" : error.message
        switch error.code {
        case .invalidArgument, .notFound, .alreadyExists, .failedPrecondition, .outOfRange:
            self.init(.refused, message, hint: "check the values given (`soukctl help <command>`)")
        case .unavailable:
            self.init(
                .unavailable,
                "cannot reach \(endpoint) (\(Self.shortReason(message)))",
                hint: "check that soukd runs there and the context's endpoint and CA (`soukctl context list`)"
            )
        case .deadlineExceeded:
            self.init(.unavailable, "\(endpoint) did not answer in time", hint: "check that soukd runs and retry")
        case .unauthenticated:
            self.init(.auth, message, hint: "run `soukctl login`")
        case .permissionDenied:
            if message.contains("one-time password") {
                self.init(.auth, "the one-time password must be changed first", hint: "run `soukctl password change`")
            } else {
                self.init(.auth, message, hint: "log in as an account with that permission (`soukctl whoami`)")
            }
        case .resourceExhausted:
            self.init(.refused, message, hint: "wait a few minutes and retry")
        case .unimplemented:
            self.init(.internal, "the server does not implement this call yet (\(message))", hint: "upgrade soukd")
        default:
            self.init(.internal, "the server failed: \(message)", hint: "retry, or look at soukd's log")
        }
    }

    /// The gist of a transport failure: NIO's connection errors are long and nested.
    static func shortReason(_ message: String) -> String {
        for (needle, gist) in [
            ("Connection refused", "connection refused"), ("No route to host", "no route to host"),
            ("timed out", "connection timed out"),
            ("certificate", "the server's certificate is not trusted: check --ca"),
            ("handshake", "the TLS handshake failed: check --ca and whether soukd uses TLS"),
        ] where message.localizedCaseInsensitiveContains(needle) {
            return gist
        }
        return message.count > 160 ? String(message.prefix(159)) + "…" : message
    }
}
