import NIOCore
import Testing

@testable import SoukWire

@Suite("FrameDecoder")
struct FrameDecoderTests {
    @Test("decodes a preface and frames fed one byte at a time")
    func dripFeed() throws {
        var bytes = ByteBuffer()
        Preface.current.write(to: &bytes)
        Frame(type: .ping, streamID: 0, payload: ByteBuffer(repeating: 9, count: 8)).write(to: &bytes)
        Frame(type: .data, flags: FrameFlags.endMessage, streamID: 3, payload: ByteBuffer(string: "hello")).write(
            to: &bytes
        )
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        var pending = ByteBuffer()
        var units: [InboundUnit] = []
        for byte in bytes.readableBytesView {
            pending.writeInteger(byte)
            while let unit = try decoder.decode(&pending) { units.append(unit) }
        }
        #expect(units.count == 3)
        guard case .frame(let data) = units[2] else {
            Issue.record("expected a frame")
            return
        }
        #expect(data.streamID == 3)
        #expect(data.has(FrameFlags.endMessage))
        #expect(String(buffer: data.payload) == "hello")
    }

    @Test("a length over the limit is refused with only the header read")
    func oversized() {
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        var bytes = ByteBuffer()
        Preface.current.write(to: &bytes)
        Frame.writeHeader(to: &bytes, length: 1025, type: .data, flags: 0, streamID: 1)
        #expect(throws: Never.self) { _ = try decoder.decode(&bytes) }
        let error = #expect(throws: WireError.self) { _ = try decoder.decode(&bytes) }
        #expect(error?.scope == .connection(.frameSizeError))
    }

    @Test("a wrong preface is refused as soon as a byte differs")
    func wrongPreface() {
        var decoder = FrameDecoder(maximumFrameSize: 1024)
        var bytes = ByteBuffer(string: "PRI")
        let error = #expect(throws: WireError.self) { _ = try decoder.decode(&bytes) }
        #expect(error?.scope == .connection(.protocolError))
    }
}
