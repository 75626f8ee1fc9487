/// A strict JSON (RFC 8259) reader for one import line that keeps each number's literal text, so a price such as
/// `1499.00` is parsed exactly by the money parser and never through a binary floating-point value.
enum ProductImportJSON {
    /// A JSON value; a number is its text as written.
    indirect enum Value: Equatable, Sendable {
        case string(String)
        case number(String)
        case bool(Bool)
        case null
        case object([String: Value])
        case array([Value])
    }

    struct SyntaxError: Error {
        var message: String
    }

    /// The one value in `bytes`, with nothing but white space around it.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> Value {
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipWhiteSpace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func value(depth: Int) throws(SyntaxError) -> Value {
            guard depth < 32 else { throw self.error("nested too deeply") }
            self.skipWhiteSpace()
            guard let byte = self.peek() else { throw self.error("a value is missing") }
            switch byte {
            case UInt8(ascii: "{"): return try self.object(depth: depth)
            case UInt8(ascii: "["): return try self.array(depth: depth)
            case UInt8(ascii: "\""): return .string(try self.string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.number())
            case UInt8(ascii: "t"): return try self.literal("true", .bool(true))
            case UInt8(ascii: "f"): return try self.literal("false", .bool(false))
            case UInt8(ascii: "n"): return try self.literal("null", .null)
            default: throw self.error("unexpected character")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> Value {
            self.index += 1
            var members: [String: Value] = [:]
            self.skipWhiteSpace()
            if self.peek() == UInt8(ascii: "}") {
                self.index += 1
                return .object(members)
            }
            while true {
                self.skipWhiteSpace()
                guard self.peek() == UInt8(ascii: "\"") else { throw self.error("expected a member name") }
                let name = try self.string()
                self.skipWhiteSpace()
                guard self.peek() == UInt8(ascii: ":") else { throw self.error("expected ':'") }
                self.index += 1
                guard members.updateValue(try self.value(depth: depth + 1), forKey: name) == nil else {
                    throw self.error("'\(name.prefix(40))' appears twice")
                }
                self.skipWhiteSpace()
                switch self.peek() {
                case UInt8(ascii: ","): self.index += 1
                case UInt8(ascii: "}"):
                    self.index += 1
                    return .object(members)
                default: throw self.error("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> Value {
            self.index += 1
            var elements: [Value] = []
            self.skipWhiteSpace()
            if self.peek() == UInt8(ascii: "]") {
                self.index += 1
                return .array(elements)
            }
            while true {
                elements.append(try self.value(depth: depth + 1))
                self.skipWhiteSpace()
                switch self.peek() {
                case UInt8(ascii: ","): self.index += 1
                case UInt8(ascii: "]"):
                    self.index += 1
                    return .array(elements)
                default: throw self.error("expected ',' or ']'")
                }
            }
        }

        mutating func string() throws(SyntaxError) -> String {
            self.index += 1
            var text: [UInt8] = []
            while let byte = self.peek() {
                self.index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let string = String(validating: text, as: UTF8.self) else {
                        throw self.error("a string is not valid UTF-8")
                    }
                    return string
                case UInt8(ascii: "\\"): try self.escape(into: &text)
                case 0..<0x20: throw self.error("a control character in a string")
                default: text.append(byte)
                }
            }
            throw self.error("a string has no closing quote")
        }

        mutating func escape(into text: inout [UInt8]) throws(SyntaxError) {
            guard let byte = self.peek() else { throw self.error("a string has no closing quote") }
            self.index += 1
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
                UInt8(ascii: "/"): UInt8(ascii: "/"), UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
                UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
            ]
            if let replacement = simple[byte] {
                text.append(replacement)
                return
            }
            guard byte == UInt8(ascii: "u") else { throw self.error("an unknown escape") }
            var scalar = try self.hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard self.bytes[self.index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                    throw self.error("a lone surrogate")
                }
                self.index += 2
                let low = try self.hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw self.error("a lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw self.error("a lone surrogate") }
            text.append(contentsOf: String(Character(unicode)).utf8)
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard self.index + 4 <= self.bytes.count,
                let value = UInt32(String(decoding: self.bytes[self.index..<self.index + 4], as: UTF8.self), radix: 16)
            else { throw self.error("a bad \\u escape") }
            self.index += 4
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
        mutating func number() throws(SyntaxError) -> String {
            let start = self.index
            if self.peek() == UInt8(ascii: "-") { self.index += 1 }
            if self.peek() == UInt8(ascii: "0") {
                self.index += 1
            } else {
                guard self.digits() > 0 else { throw self.error("a bad number") }
            }
            if self.peek() == UInt8(ascii: ".") {
                self.index += 1
                guard self.digits() > 0 else { throw self.error("a bad number") }
            }
            if self.peek() == UInt8(ascii: "e") || self.peek() == UInt8(ascii: "E") {
                self.index += 1
                if self.peek() == UInt8(ascii: "+") || self.peek() == UInt8(ascii: "-") { self.index += 1 }
                guard self.digits() > 0 else { throw self.error("a bad number") }
            }
            return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        }

        mutating func digits() -> Int {
            let start = self.index
            while let byte = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { self.index += 1 }
            return self.index - start
        }

        mutating func literal(_ word: String, _ value: Value) throws(SyntaxError) -> Value {
            guard self.bytes[self.index...].starts(with: word.utf8) else { throw self.error("unexpected character") }
            self.index += word.utf8.count
            return value
        }

        mutating func skipWhiteSpace() {
            while let byte = self.peek(), [0x20, 0x09, 0x0A, 0x0D].contains(byte) { self.index += 1 }
        }

        func peek() -> UInt8? {
            self.index < self.bytes.count ? self.bytes[self.index] : nil
        }

        func error(_ message: String) -> SyntaxError {
            SyntaxError(message: "\(message) at byte \(self.index + 1)")
        }
    }
}
