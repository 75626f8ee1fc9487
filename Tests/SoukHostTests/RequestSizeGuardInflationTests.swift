import CZlib
import NIOCore
import NIOHPACK
import Testing

@testable import SoukHost

/// ``RequestSizeGuard.StateMachine`` on compressed messages: a gzip or deflate message is inflated as it passes,
/// and refused when it inflates past the limit or is not data of its encoding.
@Suite("RequestSizeGuard inflation")
struct RequestSizeGuardInflationTests {
    typealias Machine = RequestSizeGuard.StateMachine

    /// `bytes` compressed by zlib: gzip (window bits 31) or deflate's zlib format (15).
    static func compressed(_ bytes: [UInt8], encoding: String) -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32 = encoding == "gzip" ? 31 : 15
        precondition(CZlib_deflateInit2(&stream, Z_BEST_COMPRESSION, windowBits) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let written = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }

    /// A compressed gRPC message: the flag, the length, then `body`.
    static func message(_ body: [UInt8]) -> [UInt8] {
        RequestSizeGuardStateMachineTests.header(length: UInt32(body.count), compressed: true) + body
    }

    static func machine(limit: Int, encoding: String?) -> Machine {
        var machine = Machine(limit: limit)
        var headers: HPACKHeaders = [":path": "/souk.testing.v1.TestService/Echo"]
        if let encoding { headers.add(name: "grpc-encoding", value: encoding) }
        machine.receive(headers: headers)
        return machine
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    @Test("a compressed message that inflates to exactly the limit passes", arguments: ["gzip", "deflate"])
    func atLimit(encoding: String) {
        var machine = Self.machine(limit: 100_000, encoding: encoding)
        let body = Self.compressed([UInt8](repeating: 0, count: 100_000), encoding: encoding)
        #expect(machine.receive(data: Self.buffer(Self.message(body))) == .forward)
        #expect(!machine.hasRefused)
    }

    @Test("a small message that inflates past the limit is refused RESOURCE_EXHAUSTED", arguments: ["gzip", "deflate"])
    func bomb(encoding: String) {
        var machine = Self.machine(limit: 100_000, encoding: encoding)
        let body = Self.compressed([UInt8](repeating: 0, count: 100_001), encoding: encoding)
        #expect(body.count < 1_000)
        let before = RequestSizeGuardStateMachineTests.message(length: 3)
        let action = machine.receive(data: Self.buffer(before + Self.message(body)))
        let refusal = Machine.Refusal(cause: .inflatesPastLimit(encoding: encoding), limit: 100_000, trailersOnly: true)
        #expect(action == .refuse(prefix: before.count, refusal))
        #expect(refusal.statusCode == "8")
        #expect(refusal.message == "\(encoding) request message inflates past the server's limit of 100000 bytes")
        #expect(machine.receive(data: Self.buffer([0])) == .drop)
    }

    @Test("a bomb split across frames is refused at the frame that passes the limit, not later")
    func bombAcrossFrames() {
        var machine = Self.machine(limit: 1 << 20, encoding: "gzip")
        let body = Self.compressed([UInt8](repeating: 7, count: 8 << 20), encoding: "gzip")
        let message = Self.message(body)
        var actions: [Machine.DataAction] = []
        var start = 0
        while start < message.count, !machine.hasRefused {
            let end = min(start + 1_000, message.count)
            actions.append(machine.receive(data: Self.buffer(Array(message[start..<end]))))
            start = end
        }
        #expect(start < message.count, "refused before the message's last frame")
        #expect(actions.dropLast().allSatisfy { $0 == .forward })
        let refusal = Machine.Refusal(cause: .inflatesPastLimit(encoding: "gzip"), limit: 1 << 20, trailersOnly: true)
        #expect(actions.last == .refuse(prefix: 0, refusal))
    }

    @Test("bytes that are not gzip, or a truncated stream, are refused INTERNAL")
    func notDecompressible() {
        var garbage = Self.machine(limit: 1_000, encoding: "gzip")
        let action = garbage.receive(data: Self.buffer(Self.message(Array("not gzip at all".utf8))))
        let refusal = Machine.Refusal(cause: .notDecompressible(encoding: "gzip"), limit: 1_000, trailersOnly: true)
        #expect(action == .refuse(prefix: 0, refusal))
        #expect(refusal.statusCode == "13")
        #expect(refusal.message == "request message is not valid gzip data")

        var truncated = Self.machine(limit: 1_000, encoding: "gzip")
        let body = Self.compressed(Array("hello, hello, hello".utf8), encoding: "gzip")
        #expect(truncated.receive(data: Self.buffer(Self.message(Array(body.dropLast(4))))) != .forward)
    }

    @Test("a valid compressed message followed by a second one both pass; the meter starts again for each")
    func twoMessages() {
        var machine = Self.machine(limit: 1_000, encoding: "deflate")
        let one = Self.message(Self.compressed([UInt8](repeating: 1, count: 900), encoding: "deflate"))
        let two = Self.message(Self.compressed([UInt8](repeating: 2, count: 900), encoding: "deflate"))
        #expect(machine.receive(data: Self.buffer(one + two)) == .forward)
        #expect(!machine.hasRefused)
    }

    @Test("without gzip or deflate as the encoding, compressed messages are left to the transport")
    func otherEncodings() {
        for encoding in [nil, "identity", "zstd"] {
            var machine = Self.machine(limit: 1_000, encoding: encoding)
            let bomb = Self.compressed([UInt8](repeating: 0, count: 100_000), encoding: "gzip")
            #expect(machine.receive(data: Self.buffer(Self.message(bomb))) == .forward)
        }
    }
}
