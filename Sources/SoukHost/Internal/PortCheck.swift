#if canImport(Glibc)
import Glibc
#endif

/// Checks that a TCP port can be bound, so a taken port gets a clear message before anything starts.
package enum PortCheck {
    /// Throws ``HostError/Code/portInUse`` naming `port` and the `setting` that changes it.
    package static func ensureAvailable(host: String, port: Int, setting: String) throws {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw HostError(
                code: .invalidConfiguration,
                message: "cannot resolve the listen address '\(host)' (\(setting))"
            )
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var one: Int32 = 1
        // The same option NIO sets, so a port in TIME_WAIT is not reported as taken.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
            let code = errno
            if code == EADDRINUSE {
                throw HostError(
                    code: .portInUse,
                    message:
                        "port \(port) on \(host) is already in use; stop what holds it or choose another port with \(setting)"
                )
            }
            if code == EADDRNOTAVAIL {
                throw HostError(
                    code: .invalidConfiguration,
                    message: "\(host) is not an address of this machine (\(setting))"
                )
            }
            if code == EACCES {
                throw HostError(code: .portInUse, message: "no permission to listen on port \(port) (\(setting))")
            }
        }
    }
}
