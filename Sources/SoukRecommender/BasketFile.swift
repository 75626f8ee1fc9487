/// Reads baskets from CSV text with the header `customer,basket,product,quantity,time` (columns in any order,
/// others ignored). `time` is ISO 8601 (`2024-03-01`, `2024-03-01T09:30:00Z`, an offset such as `+03:00`) or an
/// integer that only orders each customer's baskets; one file uses one kind.
package enum BasketFile {
    static let columns = ["customer", "basket", "product", "quantity", "time"]

    /// The baskets of `text`, read from `file` (the name errors give).
    ///
    /// - Throws: ``BasketFileError`` naming the line and the field: a missing column, an empty id, a quantity that is
    ///   not a whole number of 1 or more, a time that is neither ISO 8601 nor an integer or of the other kind than the
    ///   first line's, a basket whose lines disagree on its time, or no baskets at all.
    package static func read(_ text: String, file: String) throws(BasketFileError) -> BasketData {
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" }.makeIterator()
        guard let header = lines.next() else {
            throw BasketFileError(
                file: file,
                line: 1,
                message: "empty file; the header is \(Self.columns.joined(separator: ","))"
            )
        }
        let names = CSVLine.fields(of: Substring(header.trimmingTrailingCarriageReturn())).map {
            $0.lowercased().trimmingWhitespace()
        }
        var position: [String: Int] = [:]
        for column in Self.columns {
            guard let index = names.firstIndex(of: column) else {
                throw BasketFileError(
                    file: file,
                    line: 1,
                    field: column,
                    message: "missing column; the header must name \(Self.columns.joined(separator: ","))"
                )
            }
            position[column] = index
        }
        let width = (position.values.max() ?? 0) + 1

        var data = BasketData()
        var customerIndex: [String: Int] = [:]
        var productIndex: [String: Int] = [:]
        var basketIndex: [BasketKey: (index: Int, line: Int)] = [:]
        var timeKind: BasketData.TimeKind?
        var lineNumber = 1
        while let raw = lines.next() {
            lineNumber += 1
            let line = raw.trimmingTrailingCarriageReturn()
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = CSVLine.fields(of: Substring(line))
            guard fields.count >= width else {
                throw BasketFileError(
                    file: file,
                    line: lineNumber,
                    message: "\(fields.count) fields where the header has \(names.count)"
                )
            }
            func field(_ name: String) throws(BasketFileError) -> String {
                let value = fields[position[name]!].trimmingWhitespace()
                guard !value.isEmpty else {
                    throw BasketFileError(file: file, line: lineNumber, field: name, message: "empty")
                }
                return value
            }
            let customer = try field("customer")
            let basket = try field("basket")
            let product = try field("product")
            let quantityText = try field("quantity")
            guard let quantity = Int(quantityText), quantity >= 1 else {
                throw BasketFileError(
                    file: file,
                    line: lineNumber,
                    field: "quantity",
                    message: "'\(quantityText)' is not a whole number of 1 or more"
                )
            }
            let timeText = try field("time")
            let kind: BasketData.TimeKind
            let time: Int64
            if let ordinal = Int64(timeText) {
                kind = .ordinals
                time = ordinal
            } else if let instant = ISO8601Time.seconds(timeText) {
                kind = .instants
                time = instant
            } else {
                throw BasketFileError(
                    file: file,
                    line: lineNumber,
                    field: "time",
                    message: "'\(timeText)' is neither an ISO 8601 time (2024-03-01T09:30:00Z) nor an integer"
                )
            }
            if let known = timeKind, known != kind {
                throw BasketFileError(
                    file: file,
                    line: lineNumber,
                    field: "time",
                    message:
                        "'\(timeText)' is \(kind == .ordinals ? "an integer" : "an ISO 8601 time") where line 2 gave "
                        + (known == .ordinals ? "an integer" : "an ISO 8601 time")
                )
            }
            timeKind = kind

            let customerNumber = Self.number(customer, in: &customerIndex, names: &data.customers)
            let productNumber = Self.number(product, in: &productIndex, names: &data.products)
            let key = BasketKey(customer: customerNumber, basket: basket)
            if let existing = basketIndex[key] {
                guard data.baskets[existing.index].time == time else {
                    throw BasketFileError(
                        file: file,
                        line: lineNumber,
                        field: "time",
                        message:
                            "basket '\(basket)' of customer '\(customer)' has another time on line \(existing.line)"
                    )
                }
                data.baskets[existing.index].items[productNumber, default: 0] += quantity
            } else {
                basketIndex[key] = (data.baskets.count, lineNumber)
                data.baskets.append(
                    Basket(customer: customerNumber, id: basket, time: time, items: [productNumber: quantity])
                )
            }
        }
        guard !data.baskets.isEmpty else {
            throw BasketFileError(file: file, message: "no baskets after the header")
        }
        data.timeKind = timeKind ?? .ordinals
        // Each customer's baskets in time order; a stable sort keeps the file's order among equal times.
        let order = data.baskets.indices.sorted { left, right in
            let a = data.baskets[left]
            let b = data.baskets[right]
            if a.customer != b.customer { return a.customer < b.customer }
            if a.time != b.time { return a.time < b.time }
            return left < right
        }
        data.baskets = order.map { data.baskets[$0] }
        return data
    }

    private struct BasketKey: Hashable {
        var customer: Int
        var basket: String
    }

    private static func number(_ name: String, in index: inout [String: Int], names: inout [String]) -> Int {
        if let known = index[name] { return known }
        index[name] = names.count
        names.append(name)
        return names.count - 1
    }
}

/// Splits one CSV line into fields: commas separate, double quotes enclose a field (`""` is a quote inside one).
enum CSVLine {
    static func fields(of line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            current.append("\"")
                        } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "," {
                fields.append(current)
                current = ""
            } else if character == "\"", current.isEmpty {
                inQuotes = true
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}

extension StringProtocol {
    func trimmingTrailingCarriageReturn() -> String {
        self.hasSuffix("\r") ? String(self.dropLast()) : String(self)
    }

    func trimmingWhitespace() -> String {
        let characters = Array(self)
        var start = 0
        var end = characters.count
        while start < end, characters[start] == " " || characters[start] == "\t" { start += 1 }
        while end > start, characters[end - 1] == " " || characters[end - 1] == "\t" { end -= 1 }
        return String(characters[start..<end])
    }
}
