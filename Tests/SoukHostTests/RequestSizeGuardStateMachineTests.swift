import NIOCore
import Testing

@testable import SoukHost

/// The gRPC message-header parser behind ``RequestSizeGuard``: boundaries across and within DATA frames, the limit
/// on each message's declared length, and when the answer is trailers-only.
@Suite("RequestSizeGuard.StateMachine")
struct RequestSizeGuardStateMachineTests {
    typealias Machine = RequestSizeGuard.StateMachine

    /// A gRPC length-prefixed message header.
    static func header(length: UInt32, compressed: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [compressed ? 1 : 0]
        withUnsafeBytes(of: length.bigEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// A whole message of `length` bytes.
    static func message(length: Int, compressed: Bool = false) -> [UInt8] {
        Self.header(length: UInt32(length), compressed: compressed) + [UInt8](repeating: 0x61, count: length)
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    @Test("a message exactly at the limit passes, and so does the next one")
    func exactlyAtLimit() {
        var machine = Machine(limit: 16)
        #expect(machine.receive(data: Self.buffer(Self.message(length: 16))) == .forward)
        #expect(machine.receive(data: Self.buffer(Self.message(length: 3))) == .forward)
        #expect(!machine.hasRefused)
    }

    @Test("a message one byte over the limit is refused at its header, before its body arrives")
    func overLimit() {
        var machine = Machine(limit: 16)
        let action = machine.receive(data: Self.buffer(Self.header(length: 17)))
        #expect(action == .refuse(prefix: 0, .init(declaredLength: 17, limit: 16, trailersOnly: true)))
        #expect(machine.hasRefused)
        #expect(machine.receive(data: Self.buffer([0x61, 0x61])) == .drop)
        #expect(!machine.shouldForwardInboundHeaders())
        #expect(!machine.shouldWriteOutbound())
        let written = machine.send(headersEndingStream: true)
        #expect(!written)
    }

    @Test("the length is read as 4 big-endian bytes: 4 MiB + 64 KiB against the transport's 4 MiB")
    func bigEndianLength() {
        var machine = Machine(limit: 4 << 20)
        let declared = (4 << 20) + (64 << 10)
        let action = machine.receive(data: Self.buffer(Self.header(length: UInt32(declared)) + [0x0A]))
        #expect(action == .refuse(prefix: 0, .init(declaredLength: declared, limit: 4 << 20, trailersOnly: true)))
    }

    @Test("a header split across frames, byte by byte, is put together", arguments: [1, 2, 3, 4])
    func splitHeader(at split: Int) {
        var allowed = Machine(limit: 300)
        let fits = Self.message(length: 300)
        #expect(allowed.receive(data: Self.buffer(Array(fits[..<split]))) == .forward)
        #expect(allowed.receive(data: Self.buffer(Array(fits[split...]))) == .forward)
        #expect(allowed.receive(data: Self.buffer(Self.message(length: 1))) == .forward)

        var refusing = Machine(limit: 300)
        let tooLarge = Self.header(length: 0x0001_0000)
        #expect(refusing.receive(data: Self.buffer(Array(tooLarge[..<split]))) == .forward)
        let action = refusing.receive(data: Self.buffer(Array(tooLarge[split...])))
        #expect(action == .refuse(prefix: 0, .init(declaredLength: 0x0001_0000, limit: 300, trailersOnly: true)))
    }

    @Test("one byte at a time: three messages, then an oversized one")
    func byteByByte() {
        var machine = Machine(limit: 8)
        let stream =
            Self.message(length: 8) + Self.message(length: 0) + Self.message(length: 2) + Self.header(length: 9)
        var actions: [Machine.DataAction] = []
        for byte in stream { actions.append(machine.receive(data: Self.buffer([byte]))) }
        #expect(actions.dropLast().allSatisfy { $0 == .forward })
        #expect(actions.last == .refuse(prefix: 0, .init(declaredLength: 9, limit: 8, trailersOnly: true)))
    }

    @Test("several messages in one frame pass; the whole messages before an oversized one are its prefix")
    func severalInOneFrame() {
        var machine = Machine(limit: 10)
        let fine = Self.message(length: 10) + Self.message(length: 0) + Self.message(length: 4)
        #expect(machine.receive(data: Self.buffer(fine)) == .forward)

        let mixed = Self.message(length: 2) + Self.message(length: 10) + Self.header(length: 11) + [1, 2, 3]
        let action = machine.receive(data: Self.buffer(mixed))
        #expect(action == .refuse(prefix: 7 + 15, .init(declaredLength: 11, limit: 10, trailersOnly: true)))
    }

    @Test("a message's body split over frames ends where its header said, and the next header is read")
    func bodyAcrossFrames() {
        var machine = Machine(limit: 10)
        let first = Self.message(length: 10)
        #expect(machine.receive(data: Self.buffer(Array(first[..<7]))) == .forward)
        let rest = Array(first[7...]) + Self.header(length: 11)
        let action = machine.receive(data: Self.buffer(rest))
        #expect(action == .refuse(prefix: 8, .init(declaredLength: 11, limit: 10, trailersOnly: true)))
    }

    @Test("the compressed flag does not change the test: the declared (wire) length is what counts")
    func compressedFlag() {
        var fits = Machine(limit: 10)
        #expect(fits.receive(data: Self.buffer(Self.message(length: 10, compressed: true))) == .forward)

        var tooLarge = Machine(limit: 10)
        let action = tooLarge.receive(data: Self.buffer(Self.header(length: 11, compressed: true)))
        #expect(action == .refuse(prefix: 0, .init(declaredLength: 11, limit: 10, trailersOnly: true)))
    }

    @Test("after response HEADERS the answer is trailers; after the response ended the guard stands aside")
    func responseProgress() {
        var started = Machine(limit: 4)
        let headersWritten = started.send(headersEndingStream: false)
        #expect(headersWritten)
        #expect(started.shouldWriteOutbound())
        let action = started.receive(data: Self.buffer(Self.header(length: 5)))
        #expect(action == .refuse(prefix: 0, .init(declaredLength: 5, limit: 4, trailersOnly: false)))

        var ended = Machine(limit: 4)
        let trailersWritten = ended.send(headersEndingStream: true)
        #expect(trailersWritten)
        #expect(ended.receive(data: Self.buffer(Self.header(length: 5))) == .forward)
        #expect(!ended.hasRefused)
    }

    @Test("the status message is percent-encoded as gRPC requires")
    func percentEncoding() {
        let refusal = Machine.Refusal(declaredLength: 4_259_840, limit: 4_194_304, trailersOnly: true)
        #expect(refusal.message == "request message of 4259840 bytes exceeds the server's limit of 4194304 bytes")
        #expect(Machine.Refusal.percentEncoded(refusal.message) == refusal.message)
        #expect(Machine.Refusal.percentEncoded("50% caf\u{E9}\n") == "50%25 caf%C3%A9%0A")
    }
}
