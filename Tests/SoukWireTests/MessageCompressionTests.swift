import CZstd
import NIOCore
import Testing

@testable import SoukWire

@Suite("MessageCompression (zstd)")
struct MessageCompressionTests {
    static let policy = MessageCompression(
        compressesOutgoing: true,
        acceptsCompressed: true,
        threshold: 1024,
        level: 1,
        maximumMessageSize: 4 * 1024 * 1024
    )

    @Test("messages at or above the threshold are compressed and come back identical")
    func roundTrip() throws {
        var message = ByteBuffer()
        for index in 0..<20_000 { message.writeString("order-\(index % 97);") }
        let (payload, isCompressed) = try Self.policy.compress(message)
        #expect(isCompressed)
        #expect(payload.readableBytes < message.readableBytes / 4)
        #expect(try Self.policy.decompress(payload, isCompressed: true) == message)
    }

    @Test("small messages go out as they are")
    func belowThreshold() throws {
        let message = ByteBuffer(string: "tiny")
        let (payload, isCompressed) = try Self.policy.compress(message)
        #expect(!isCompressed)
        #expect(payload == message)
    }

    @Test("a zstd bomb is stopped at MAX_MESSAGE_SIZE with RESOURCE_EXHAUSTED")
    func bomb() throws {
        // 64 MiB of zeros compresses to a couple of kilobytes.
        let zeros = ByteBuffer(repeating: 0, count: 64 * 1024 * 1024)
        var generous = Self.policy
        generous.maximumMessageSize = .max
        let (bomb, isCompressed) = try generous.compress(zeros)
        #expect(isCompressed)
        #expect(bomb.readableBytes < 16 * 1024)
        let error = #expect(throws: StreamFailure.self) { try Self.policy.decompress(bomb, isCompressed: true) }
        #expect(error?.code == StreamFailure.resourceExhausted)
    }

    @Test("§12: bytes after the end of the zstd frame are INTERNAL, even a second whole frame")
    func trailingBytes() throws {
        var message = ByteBuffer()
        for index in 0..<2_000 { message.writeString("item \(index) ") }
        let (frame, _) = try Self.policy.compress(message)
        var garbage = frame
        garbage.writeBytes([0, 1, 2])
        var twoFrames = frame
        twoFrames.writeImmutableBuffer(frame)
        for bad in [garbage, twoFrames] {
            let error = #expect(throws: StreamFailure.self) { try Self.policy.decompress(bad, isCompressed: true) }
            #expect(error?.code == StreamFailure.internal)
            #expect(error?.message == "bytes after the end of the zstd frame")
        }
        #expect(try Self.policy.decompress(frame, isCompressed: true) == message)
    }

    @Test("corrupt or truncated data is INTERNAL, and so is compression that was not negotiated")
    func corrupt() throws {
        var message = ByteBuffer()
        for index in 0..<2_000 { message.writeString("item \(index) ") }
        var (payload, _) = try Self.policy.compress(message)
        let truncated = payload.getSlice(at: payload.readerIndex, length: payload.readableBytes / 2)!
        payload.setInteger(UInt32(0xDEAD_BEEF), at: payload.readerIndex)
        for bad in [payload, truncated] {
            let error = #expect(throws: StreamFailure.self) { try Self.policy.decompress(bad, isCompressed: true) }
            #expect(error?.code == StreamFailure.internal)
        }
        let refusing = MessageCompression.identity
        let error = #expect(throws: StreamFailure.self) { try refusing.decompress(truncated, isCompressed: true) }
        #expect(error?.code == StreamFailure.internal)
    }
}
