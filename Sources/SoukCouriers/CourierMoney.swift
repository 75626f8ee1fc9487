package import Foundation
package import SoukMoney

/// A courier's decimal price as integer minor units, exactly: no binary floating point on money.
///
/// CDEK sends JSON numbers in major units (`1250.5`), read as `Decimal` (which keeps the JSON text's digits) and
/// converted from its decimal text; EasyPost sends strings (`"34.15"`). Trailing zeros past the currency's digits
/// are fine (`"1234.00"` yen is 1234); any other digit past them is refused rather than rounded, since it would
/// be another price. Negative prices are refused too.
package enum CourierMoney {
    /// `text` (`"1250.5"`, `"0"`, `"1.5E3"`) in minor units of a currency with `exponent` digits; nil when it is
    /// not a non-negative decimal, has a non-zero digit past the exponent, or overflows.
    package static func minorUnits(_ text: String, exponent: Int) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 64, (0...6).contains(exponent) else { return nil }
        var mantissa = Substring(text)
        var power = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            var exponentText = mantissa[mantissa.index(after: e)...]
            if exponentText.first == "+" { exponentText = exponentText.dropFirst() }
            guard exponentText.count <= 3, let value = Int(exponentText) else { return nil }
            power = value
            mantissa = mantissa[..<e]
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } })
        else { return nil }
        var digits = Array(parts.joined().utf8)
        // The value is digits · 10^(power − fraction digits); in minor units, times 10^exponent.
        var shift = power - (parts.count == 2 ? parts[1].count : 0) + exponent
        while shift < 0 {
            guard let last = digits.last, last == UInt8(ascii: "0") else { return nil }
            digits.removeLast()
            shift += 1
        }
        guard shift <= 18 else { return digits.allSatisfy { $0 == UInt8(ascii: "0") } ? 0 : nil }
        var value: Int64 = 0
        for digit in digits {
            let (times10, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times10.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        for _ in 0..<shift {
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times10
        }
        return value
    }

    /// `decimal` in minor units of `currency`, exactly (see ``minorUnits(_:exponent:)``).
    package static func minorUnits(_ decimal: Decimal, currency: Currency) -> Int64? {
        guard decimal.isFinite else { return nil }
        return Self.minorUnits(decimal.description, exponent: currency.exponent)
    }

    /// `minorUnits` of `currency` as the shortest exact decimal text (`125050` kopecks → `1250.5`, `30000` →
    /// `300`): how CDEK writes its numbers. For the local CDEK server and tests.
    package static func decimalText(_ minorUnits: Int64, currency: Currency) -> String {
        var text = Money(minorUnits: minorUnits, currency: currency).decimalString
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
