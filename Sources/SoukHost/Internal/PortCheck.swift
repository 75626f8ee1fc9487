import Synchronization

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

extension PortCheck {
    /// The ports ``freePort(host:)`` has handed out in this process.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A TCP port on `host` that nothing listens on now (the kernel's choice for port 0) and that this process has
    /// not handed out before, for a server that must know its address before it starts. The kernel may offer a
    /// port again once its probe socket is closed, so two sandbox servers started together could otherwise get the
    /// same one; another program could still take it in between, which on loopback is unlikely.
    package static func freePort(host: String = "127.0.0.1") throws -> Int {
        for _ in 0..<64 {
            let port = try Self.unboundPort(host: host)
            if Self.handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw HostError(code: .invalidConfiguration, message: "no free port on \(host) that was not handed out already")
    }

    private static func unboundPort(host: String) throws -> Int {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw HostError(code: .invalidConfiguration, message: "\(host) is not an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HostError(code: .invalidConfiguration, message: "no socket for a free port") }
        defer { close(fd) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            throw HostError(code: .invalidConfiguration, message: "no free port on \(host)")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
