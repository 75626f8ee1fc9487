/// Splits one CSV record into its fields by RFC 4180: fields separated by commas, a field in double quotes may
/// hold commas, line breaks and doubled quotes (`""` is one `"`); a quote inside an unquoted field, or text
/// after a closing quote, is an error.
enum ProductImportCSV {
    struct SyntaxError: Error {
        var message: String
    }

    /// The fields of `record` (its bytes without the final line break), each decoded as UTF-8.
    static func fields(_ record: [UInt8]) throws(SyntaxError) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var index = 0
        var isQuoted = false
        var wasQuoted = false
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        while index < record.count {
            let byte = record[index]
            if isQuoted {
                if byte == quote {
                    if index + 1 < record.count && record[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        isQuoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == comma {
                fields.append(try Self.text(field, number: fields.count + 1))
                field = []
                wasQuoted = false
            } else if wasQuoted {
                throw SyntaxError(message: "field \(fields.count + 1) has text after its closing quote")
            } else if byte == quote {
                guard field.isEmpty else {
                    throw SyntaxError(message: "field \(fields.count + 1) has a quote but does not start with one")
                }
                isQuoted = true
                wasQuoted = true
            } else {
                field.append(byte)
            }
            index += 1
        }
        guard !isQuoted else { throw SyntaxError(message: "field \(fields.count + 1) has no closing quote") }
        fields.append(try Self.text(field, number: fields.count + 1))
        return fields
    }

    private static func text(_ bytes: [UInt8], number: Int) throws(SyntaxError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SyntaxError(message: "field \(number) is not valid UTF-8")
        }
        return text
    }
}
