import Foundation
package import SoukAPI

/// A SKU's package size as people type and read it: `450g,120x90x100mm` (weight in grams, then length × width ×
/// height in millimetres); either part may be left out, and what is left out is 0, "not said".
package enum PackageSizeText {
    /// Parses `450g,120x90x100mm`, `450g` or `120x90x100mm` (`x` or `×` between the sides; the units may be left
    /// off; `kg` takes a whole number of kilograms).
    ///
    /// - Parameter flag: the flag the text came from, named in the error.
    /// - Throws: ``CtlError`` (usage) naming `flag` when a part is malformed or out of range.
    package static func parse(_ text: String, flag: String) throws -> Souk_Catalog_V1_PackageSize {
        var size = Souk_Catalog_V1_PackageSize()
        let parts = text.lowercased().split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard (1...2).contains(parts.count), !parts.contains(where: \.isEmpty) else { throw Self.malformed(text, flag) }
        var sawWeight = false
        var sawSides = false
        for part in parts {
            if part.contains("x") || part.contains("×") {
                guard !sawSides else { throw Self.malformed(text, flag) }
                sawSides = true
                let body = part.hasSuffix("mm") ? String(part.dropLast(2)) : part
                let sides = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "x" || $0 == "×" }).map
                {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                guard sides.count == 3 else { throw Self.malformed(text, flag) }
                let values = try sides.map {
                    try Self.number($0, upTo: 10_000, flag: flag, what: "a side in millimetres")
                }
                (size.lengthMm, size.widthMm, size.heightMm) = (values[0], values[1], values[2])
            } else {
                guard !sawWeight else { throw Self.malformed(text, flag) }
                sawWeight = true
                if part.hasSuffix("kg") {
                    let kilograms = try Self.number(
                        String(part.dropLast(2)),
                        upTo: 1_000,
                        flag: flag,
                        what: "kilograms"
                    )
                    size.weightGrams = kilograms * 1_000
                } else {
                    let body = part.hasSuffix("g") ? String(part.dropLast()) : part
                    size.weightGrams = try Self.number(body, upTo: 1_000_000, flag: flag, what: "a weight in grams")
                }
            }
        }
        return size
    }

    /// Parses `SKU=450g,120x90x100mm` (the `--package` of `products edit`).
    package static func parseSkuPackage(_ text: String) throws -> Souk_Catalog_V1_SkuPackage {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw CtlError(
                .usage,
                "--package: '\(text.prefix(80))' is not SKU=WEIGHTg,LxWxHmm",
                hint: "e.g. --package MUG-350=450g,120x90x100mm"
            )
        }
        var entry = Souk_Catalog_V1_SkuPackage()
        entry.sku = String(text[..<equals])
        entry.package = try Self.parse(String(text[text.index(after: equals)...]), flag: "--package \(entry.sku)")
        return entry
    }

    /// `450 g, 120×90×100 mm`; a part that is all zeros reads "—".
    package static func format(_ size: Souk_Catalog_V1_PackageSize) -> String {
        let weight = size.weightGrams > 0 ? "\(size.weightGrams) g" : nil
        let sides =
            [size.lengthMm, size.widthMm, size.heightMm].allSatisfy({ $0 == 0 })
            ? nil : "\(size.lengthMm)×\(size.widthMm)×\(size.heightMm) mm"
        let parts = [weight, sides].compactMap { $0 }
        return parts.isEmpty ? "—" : parts.joined(separator: ", ")
    }

    private static func number(_ raw: String, upTo limit: Int, flag: String, what: String) throws -> Int32 {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), value <= limit
        else { throw CtlError(.usage, "\(flag): '\(text.prefix(20))' is not \(what) from 0 to \(limit)") }
        return Int32(value)
    }

    private static func malformed(_ text: String, _ flag: String) -> CtlError {
        CtlError(
            .usage,
            "\(flag): '\(text.prefix(80))' is not WEIGHTg,LxWxHmm",
            hint: "e.g. 450g,120x90x100mm, or just 450g or 120x90x100mm"
        )
    }
}
