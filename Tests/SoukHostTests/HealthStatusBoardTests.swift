import SoukHost
import Testing

@Suite("HealthStatusBoard")
struct HealthStatusBoardTests {
    @Test("a watcher sees the current status first, then every change, and ends at shutdown")
    func watch() async {
        let board = HealthStatusBoard()
        board.set(.notServing, for: "svc")
        let updates = board.updates(of: "svc")
        board.set(.serving, for: "svc")
        board.set(.notServing, for: "other")
        board.setAll(.notServing)
        board.finishAll()
        var seen: [HealthStatusBoard.Status?] = []
        for await status in updates { seen.append(status) }
        #expect(seen == [.notServing, .serving, .notServing])
    }

    @Test("an unknown service has no status until it is set")
    func unknown() {
        let board = HealthStatusBoard()
        #expect(board.status(of: "svc") == nil)
        board.set(.serving, for: "svc")
        #expect(board.status(of: "svc") == .serving)
    }

    @Test("while the database is unreachable every known service is NOT_SERVING; its own status comes back after")
    func databaseUnreachable() async {
        let board = HealthStatusBoard()
        board.set(.serving, for: "")
        board.set(.serving, for: "svc")
        let updates = board.updates(of: "svc")
        let reachability = board.databaseReachability()
        board.setDatabaseReachable(false)
        #expect(board.status(of: "") == .notServing)
        #expect(board.status(of: "svc") == .notServing)
        #expect(board.status(of: "unknown") == nil)
        board.set(.serving, for: "svc")
        #expect(board.status(of: "svc") == .notServing, "a set status does not hide the outage")
        board.setDatabaseReachable(true)
        #expect(board.status(of: "svc") == .serving)
        board.finishAll()
        var seen: [HealthStatusBoard.Status?] = []
        for await status in updates { seen.append(status) }
        #expect(seen == [.serving, .notServing, .notServing, .serving])
        var reachable: [Bool] = []
        for await value in reachability { reachable.append(value) }
        #expect(reachable == [true, false, true])
    }
}
