import Foundation
import SwiftProtobuf

/// Finds the first string field, at any depth of a message, that holds a NUL character (U+0000), which no Souk
/// text may hold and PostgreSQL refuses in `text`; it is named by its proto path, e.g. `skus[1].code`.
struct NULCharacterFinder: SwiftProtobuf.Visitor {
    /// The path of the first string found with a NUL, once found.
    private(set) var found: String?
    private let messageType: any SwiftProtobuf.Message.Type
    private let prefix: String

    private init(messageType: any SwiftProtobuf.Message.Type, prefix: String) {
        self.messageType = messageType
        self.prefix = prefix
    }

    /// The path of `message`'s first string field holding a NUL, or nil when none does.
    static func firstNUL(in message: some SwiftProtobuf.Message) -> String? {
        var finder = NULCharacterFinder(messageType: type(of: message), prefix: "")
        try? message.traverse(visitor: &finder)
        return finder.found
    }

    private func path(_ fieldNumber: Int, index: Int? = nil) -> String {
        let name = Self.fieldName(self.messageType, fieldNumber)
        return self.prefix + name + (index.map { "[\($0)]" } ?? "")
    }

    private static func hasNUL(_ text: String) -> Bool { text.utf8.contains(0) }

    private mutating func check(_ text: String, _ fieldNumber: Int, index: Int? = nil) {
        guard self.found == nil, Self.hasNUL(text) else { return }
        self.found = self.path(fieldNumber, index: index)
    }

    private mutating func descend(into message: some SwiftProtobuf.Message, at path: String) {
        guard self.found == nil else { return }
        var inner = NULCharacterFinder(messageType: type(of: message), prefix: path + ".")
        try? message.traverse(visitor: &inner)
        self.found = inner.found
    }

    // MARK: Visitor

    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
        self.check(value, fieldNumber)
    }

    mutating func visitRepeatedStringField(value: [String], fieldNumber: Int) throws {
        for (index, text) in value.enumerated() { self.check(text, fieldNumber, index: index) }
    }

    mutating func visitSingularMessageField<M: SwiftProtobuf.Message>(value: M, fieldNumber: Int) throws {
        self.descend(into: value, at: self.path(fieldNumber))
    }

    mutating func visitRepeatedMessageField<M: SwiftProtobuf.Message>(value: [M], fieldNumber: Int) throws {
        for (index, message) in value.enumerated() {
            self.descend(into: message, at: self.path(fieldNumber, index: index))
        }
    }

    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type,
        value: _ProtobufMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        for (key, entry) in value where self.found == nil {
            if let text = key as? String { self.check(text, fieldNumber) }
            if let text = entry as? String { self.check(text, fieldNumber) }
        }
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type,
        value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws where ValueType.RawValue == Int {
        for key in value.keys { if let text = key as? String { self.check(text, fieldNumber) } }
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
        value: _ProtobufMessageMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        for (key, entry) in value where self.found == nil {
            if let text = key as? String { self.check(text, fieldNumber) }
            self.descend(into: entry, at: self.path(fieldNumber))
        }
    }

    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {}
    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {}
    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {}
    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {}
    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {}
    mutating func visitSingularEnumField<E: SwiftProtobuf.Enum>(value: E, fieldNumber: Int) throws {}
    mutating func visitUnknown(bytes: Data) throws {}

    // MARK: Names

    /// The proto name of field `number` of `type`, read from the text format of a message with only that field
    /// set (SwiftProtobuf keeps its name tables internal); `field N` when that fails.
    static func fieldName(_ type: any SwiftProtobuf.Message.Type, _ number: Int) -> String {
        func named<M: SwiftProtobuf.Message>(_ type: M.Type) -> String? {
            // The field as a string "x", then as an empty message: one of them decodes for any string or message field.
            for payload: [UInt8] in [[1, 0x78], [0]] {
                var bytes = Self.varint(UInt64(number) << 3 | 2)
                bytes += payload
                guard let message = try? M(serializedBytes: bytes) else { continue }
                let text = message.textFormatString()
                let name = text.prefix { $0 != ":" && $0 != " " && $0 != "{" && $0 != "\n" }
                if !name.isEmpty { return String(name) }
            }
            return nil
        }
        return named(type) ?? "field \(number)"
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
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
