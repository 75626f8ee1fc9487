import SoukCtlKit
import Testing

@Suite("The import progress bar")
struct ProgressBarTests {
    @Test("the bar fills with the bytes sent and names both sizes")
    func bar() {
        #expect(
            ProgressBar.render(done: 0, total: 2048, width: 60) == "[" + String(repeating: ".", count: 38)
                + "]   0%  0 B / 2.0 KiB"
        )
        let half = ProgressBar.render(done: 1_363_149, total: 2_726_298, width: 80)
        #expect(half.hasPrefix("[" + String(repeating: "#", count: 20) + String(repeating: ".", count: 20) + "]  50%"))
        #expect(half.hasSuffix("1.3 MiB / 2.6 MiB"))
        #expect(ProgressBar.render(done: 5, total: 0, width: 40).contains("100%"))
        #expect(ProgressBar.render(done: 10, total: 10, width: 200).count <= 200)
    }

    @Test(
        "sizes print in binary units",
        arguments: [(Int64(512), "512 B"), (65_536, "64.0 KiB"), (3_221_225_472, "3.0 GiB")]
    )
    func sizes(count: Int64, text: String) {
        #expect(ProgressBar.bytes(count) == text)
    }
}
