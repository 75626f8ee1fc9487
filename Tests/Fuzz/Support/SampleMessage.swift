public import SwiftProtobuf

/// Real messages of any generated type, for seed corpora: each top-level field set to a value its type takes.
///
/// SwiftProtobuf has no public reflection of a message's fields, so each field number is probed: a field encoded
/// as a varint, as the bytes `fuzz`, as an empty length-delimited field, or as a fixed 64- or 32-bit value is kept
/// when the type decodes it as a known field (nothing lands in its unknown fields). The result is valid by
/// construction and reproducible: the same type always gives the same message.
public enum SampleMessage {
    /// The highest field number probed; the .proto files use at most 21 today.
    static let highestField = 40

    /// An `M` with every field up to ``highestField`` set (strings to `fuzz`, numbers to 1, messages empty).
    public static func populated<M: SwiftProtobuf.Message>(_ type: M.Type) -> M {
        var fields: [UInt8] = []
        for number in 1...Self.highestField {
            for candidate in Self.candidates(field: number) {
                guard let message = try? M(serializedBytes: candidate), message.unknownFields.data.isEmpty else {
                    continue
                }
                fields += candidate
                break
            }
        }
        return (try? M(serializedBytes: fields)) ?? M()
    }

    /// One field `number`, in each wire type, with a value that most field types of that wire type accept.
    static func candidates(field number: Int) -> [[UInt8]] {
        let varint = Self.varint(UInt64(number) << 3)
        let lengthDelimited = Self.varint(UInt64(number) << 3 | 2)
        let fixed64 = Self.varint(UInt64(number) << 3 | 1)
        let fixed32 = Self.varint(UInt64(number) << 3 | 5)
        return [
            varint + [1],
            lengthDelimited + [4] + Array("fuzz".utf8),
            lengthDelimited + [0],
            fixed64 + [0, 0, 0, 0, 0, 0, 0xF8, 0x3F],
            fixed32 + [0, 0, 0xC0, 0x3F],
        ]
    }

    /// `value` as a protobuf varint.
    public static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }
}
