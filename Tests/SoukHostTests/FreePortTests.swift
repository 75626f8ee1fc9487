import SoukHost
import Testing

@Suite("Free ports for the sandbox's local servers")
struct FreePortTests {
    @Test("ports handed out in one process are never the same twice, though the kernel may offer one again")
    func distinctPorts() throws {
        var ports: Set<Int> = []
        for _ in 0..<200 {
            let port = try PortCheck.freePort()
            #expect(port > 0)
            #expect(ports.insert(port).inserted, "port \(port) handed out twice")
        }
    }
}
