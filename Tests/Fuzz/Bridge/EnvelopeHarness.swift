import Foundation
import Hummingbird
import NIOCore

@testable import SoukBridge

/// The Connect streaming envelope (flags, big-endian length, message), read by the bridge's two parsers.
///
/// Input: a byte choosing the chunk size (1 to 32), a byte choosing the largest message (0 to 2040 bytes), then the
/// body. `ConnectEnvelopeReader` (client streams) must read the body the same in chunks as in one piece, and agree
/// with `ConnectStreamCodec.unenvelope` (server streams) on a body of one envelope; any message written into an
/// end-stream envelope or an error body must read back the same.
enum EnvelopeHarness {
    static let maxTotalBytes = 4096

    struct Outcome: Equatable {
        var messages: [[UInt8]] = []
        var error: ConnectError.Code?
    }

    static func run(_ bytes: ArraySlice<UInt8>) {
        guard bytes.count >= 2 else { return }
        let chunkSize = Int(bytes[bytes.startIndex] % 32) + 1
        let maxMessageBytes = Int(bytes[bytes.startIndex + 1]) * 8
        let body = Array(bytes.dropFirst(2))
        let whole = Self.read([body], maxMessageBytes: maxMessageBytes)
        let chunks = stride(from: 0, to: body.count, by: chunkSize).map {
            Array(body[$0..<min($0 + chunkSize, body.count)])
        }
        let pieces = Self.read(chunks, maxMessageBytes: maxMessageBytes)
        if body.count <= Self.maxTotalBytes {
            // Once refused, a body's earlier messages may have gone upstream in chunks: compare codes then.
            if whole.error == nil || pieces.error == nil {
                precondition(whole == pieces, "chunks of \(chunkSize) read \(pieces), one piece \(whole)")
            } else {
                precondition(whole.error == pieces.error, "chunks refused \(pieces.error!), one piece \(whole.error!)")
            }
        }
        if whole.error == nil {
            precondition(
                whole.messages.allSatisfy { $0.count <= maxMessageBytes },
                "a message over the limit of \(maxMessageBytes)"
            )
            precondition(
                whole.messages.reduce(0) { $0 + 5 + $1.count } == body.count,
                "the messages do not account for the body"
            )
        }
        Self.checkUnenvelope(body, whole: whole, maxMessageBytes: maxMessageBytes)
        Self.checkEndStream(String(decoding: body, as: UTF8.self))
    }

    /// Reads `chunks` with a new reader, finishing it when nothing was refused.
    static func read(_ chunks: [[UInt8]], maxMessageBytes: Int) -> Outcome {
        var reader = ConnectEnvelopeReader(maxMessageBytes: maxMessageBytes, maxTotalBytes: Self.maxTotalBytes)
        var outcome = Outcome()
        do {
            for chunk in chunks {
                outcome.messages += try reader.append(ByteBuffer(bytes: chunk))
            }
            try reader.finish()
        } catch let error as ConnectError {
            ConnectChecks.check(error, "ConnectEnvelopeReader")
            outcome.error = error.code
        } catch {
            preconditionFailure("ConnectEnvelopeReader threw a non-Connect error: \(error)")
        }
        return outcome
    }

    /// `unenvelope` takes exactly one uncompressed envelope, and then reads what the reader reads.
    static func checkUnenvelope(_ body: [UInt8], whole: Outcome, maxMessageBytes: Int) {
        do {
            let message = try ConnectStreamCodec.unenvelope(body)
            precondition(message.count == body.count - 5, "unenvelope returned \(message.count) of \(body.count) bytes")
            if message.count <= maxMessageBytes && body.count <= Self.maxTotalBytes {
                precondition(whole == Outcome(messages: [message]), "unenvelope read one message, the reader \(whole)")
            }
        } catch let error as ConnectError {
            ConnectChecks.check(error, "unenvelope")
            precondition(
                !(whole.error == nil && whole.messages.count == 1),
                "unenvelope refused (\(error.message)) a body of one envelope the reader read"
            )
        } catch {
            preconditionFailure("unenvelope threw a non-Connect error: \(error)")
        }
    }

    /// Any message survives the end-stream envelope and the unary error body.
    static func checkEndStream(_ text: String) {
        let message = text.isEmpty ? "empty" : text
        let error = ConnectError(.invalidArgument, message)
        var envelope = ConnectStreamCodec.endStream(error)
        let bytes = envelope.readBytes(length: envelope.readableBytes) ?? []
        ConnectChecks.checkStreamBody(bytes, "endStream")
        let json = bytes.dropFirst(5)
        let end = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
        let sent = (end?["error"] as? [String: Any])?["message"] as? String
        precondition(sent == message, "endStream sent \(sent ?? "nothing") for \(message)")
    }
}
