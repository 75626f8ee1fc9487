import SoukHost
import Testing

@Suite("ServiceName")
struct ServiceNameTests {
    @Test("'all' selects every service; names may be listed with spaces and any case")
    func parses() throws {
        #expect(try ServiceName.parseList("all") == Set(ServiceName.all))
        #expect(try ServiceName.parseList(" Testing ") == [.testing])
        #expect(try ServiceName.parseList("testing,all") == Set(ServiceName.all))
    }

    @Test(
        "an unknown or empty list is refused, naming the known services",
        arguments: ["", ",", "identity2", "testing,bogus"]
    )
    func rejects(text: String) {
        let error = #expect(throws: HostError.self) { try ServiceName.parseList(text) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains("testing") == true)
    }
}
