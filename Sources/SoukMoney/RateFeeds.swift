package import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parsers of the daily reference-rate files Souk imports (formats in `../shared/reference/providers.md` §5):
/// the ECB's euro rates (`eurofxref-daily.xml`) and the Central Bank of Russia's rouble rates (`XML_daily.asp`,
/// windows-1251, comma decimals). Only currencies Souk supports are kept; the numbers are parsed exactly.
package enum RateFeeds {
    /// EUR → X rates from an ECB file.
    package static func parseECB(_ data: Data) throws -> [ExchangeRate] {
        let elements = try XMLElements.parse(data)
        guard let day = elements.first(where: { $0.name == "Cube" && $0.attributes["time"] != nil })?.attributes["time"]
        else {
            throw MoneyError.malformedRate("the ECB file has no dated Cube")
        }
        return try elements.compactMap { element -> ExchangeRate? in
            guard element.name == "Cube", let code = element.attributes["currency"],
                let rate = element.attributes["rate"],
                let quote = Currency.supported[code]
            else { return nil }
            return try ExchangeRate(base: .eur, quote: quote, decimal: rate, source: "ECB", effectiveDate: day)
        }
    }

    /// X → RUB rates from a CBR file: RUB per one unit of X (`VunitRate`, or `Value` / `Nominal`).
    package static func parseCBR(_ data: Data) throws -> [ExchangeRate] {
        // Declared windows-1251: decode it, then hand the parser UTF-8 with the declaration to match.
        guard let text = String(data: data, encoding: .windowsCP1251) else {
            throw MoneyError.malformedRate("the CBR file is not windows-1251 text")
        }
        let utf8 = text.replacingOccurrences(of: "windows-1251", with: "UTF-8", options: .caseInsensitive)
        let elements = try XMLElements.parse(Data(utf8.utf8))
        guard let stamp = elements.first(where: { $0.name == "ValCurs" })?.attributes["Date"] else {
            throw MoneyError.malformedRate("the CBR file has no ValCurs Date")
        }
        let dateParts = stamp.split(separator: ".")
        guard dateParts.count == 3 else { throw MoneyError.malformedRate("CBR date '\(stamp.prefix(20))'") }
        let day = "\(dateParts[2])-\(dateParts[1])-\(dateParts[0])"
        var rates: [ExchangeRate] = []
        var current: [String: String] = [:]
        for element in elements {
            if element.name == "Valute" {
                current = [:]
            } else if ["CharCode", "Nominal", "Value", "VunitRate"].contains(element.name) {
                current[element.name] = element.text
                if element.name == "Value" || element.name == "VunitRate",
                    let rate = try Self.cbrRate(current, day: day)
                {
                    rates.removeAll { $0.base == rate.base }
                    rates.append(rate)
                }
            }
        }
        return rates
    }

    private static func cbrRate(_ fields: [String: String], day: String) throws -> ExchangeRate? {
        guard let code = fields["CharCode"], let base = Currency.supported[code], base != .rub else { return nil }
        if let perUnit = fields["VunitRate"] {
            return try ExchangeRate(base: base, quote: .rub, decimal: perUnit, source: "CBR", effectiveDate: day)
        }
        guard let value = fields["Value"], let nominalText = fields["Nominal"], let nominal = Int64(nominalText),
            nominal > 0
        else { return nil }
        let perNominal = try ExchangeRate(base: base, quote: .rub, decimal: value, source: "CBR", effectiveDate: day)
        if nominal == 1 { return perNominal }
        // Value / Nominal exactly when Nominal is a power of ten (1, 10, 100 …), else to 10 digits, half to even.
        let scaled = ExchangeRate.divideHalfEven(Int128(perNominal.mantissa) * 10_000_000_000, Int128(nominal))
        guard let mantissa = Int64(exactly: scaled) else { throw MoneyError.overflow("the CBR rate of \(code)") }
        return try ExchangeRate(
            base: base,
            quote: .rub,
            mantissa: mantissa,
            scale: perNominal.scale + 10,
            source: "CBR",
            effectiveDate: day
        )
    }
}

/// A flat list of an XML document's elements with their attributes and text, in document order.
struct XMLElements {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
    }

    static func parse(_ data: Data) throws -> [Element] {
        let delegate = Collector()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            throw MoneyError.malformedRate(
                "the rate file is not well-formed XML (\(parser.parserError.map { "\($0)" } ?? "unknown"))"
            )
        }
        // Foundation's parser on Linux accepts a document cut off after a complete element, which would import
        // part of a day's rates: the root element must have been closed.
        guard delegate.closedRoot, delegate.open.isEmpty else {
            throw MoneyError.malformedRate("the file is not well-formed XML (cut off or unbalanced)")
        }
        return delegate.elements
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var open: [Int] = []
        var closedRoot = false

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            self.elements.append(Element(name: local, attributes: attributes, text: ""))
            self.open.append(self.elements.count - 1)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let index = self.open.last { self.elements[index].text += string }
        }

        func parser(
            _ parser: XMLParser,
            didEndElement elementName: String,
            namespaceURI: String?,
            qualifiedName: String?
        ) {
            if let index = self.open.popLast() {
                self.elements[index].text = self.elements[index].text.trimmingCharacters(in: .whitespacesAndNewlines)
                if self.open.isEmpty { self.closedRoot = true }
            }
        }
    }
}
