import SoukAPI
import SoukCtlKit
import Testing

@Suite("Package sizes typed and printed")
struct PackageSizeTextTests {
    @Test(
        "weight, sides or both parse into grams and millimetres",
        arguments: [
            ("450g,120x90x100mm", [450, 120, 90, 100]), ("450g", [450, 0, 0, 0]), ("120x90x100mm", [0, 120, 90, 100]),
            ("120×90×100", [0, 120, 90, 100]), (" 2kg , 300 x 200 x 100 mm ", [2_000, 300, 200, 100]),
            ("120x90x100mm,450", [450, 120, 90, 100]), ("450 g, 1 x 2 x 3 mm", [450, 1, 2, 3]),
            ("1000000g,10000x10000x10000mm", [1_000_000, 10_000, 10_000, 10_000]),
        ]
    )
    func parses(text: String, expected: [Int32]) throws {
        let size = try PackageSizeText.parse(text, flag: "--package")
        #expect([size.weightGrams, size.lengthMm, size.widthMm, size.heightMm] == expected)
    }

    @Test(
        "malformed or out-of-range sizes are usage errors naming the flag",
        arguments: [
            "", "heavy", "450g,", "450g,500g", "120x90mm", "1x2x3,4x5x6", "-5g", "1.5kg", "1000001g", "1x10001x1",
            "1001kg", "1xx2x3", "1x2x3x4", "x1x2",
        ]
    )
    func refuses(text: String) {
        let error = #expect(throws: CtlError.self) { try PackageSizeText.parse(text, flag: "--package") }
        #expect(error?.code == .usage)
        #expect(error?.message.hasPrefix("--package") == true)
    }

    @Test("SKU=SIZE for products edit, and sizes printed for products show")
    func skuAndFormat() throws {
        let entry = try PackageSizeText.parseSkuPackage("MUG-350=450g,120x90x100mm")
        #expect(entry.sku == "MUG-350" && entry.package.weightGrams == 450 && entry.package.heightMm == 100)
        #expect(throws: CtlError.self) { try PackageSizeText.parseSkuPackage("=450g") }
        #expect(throws: CtlError.self) { try PackageSizeText.parseSkuPackage("MUG-350") }
        let bad = #expect(throws: CtlError.self) { try PackageSizeText.parseSkuPackage("MUG-350=heavy") }
        #expect(bad?.message.hasPrefix("--package MUG-350") == true)
        #expect(PackageSizeText.format(entry.package) == "450 g, 120×90×100 mm")
        #expect(PackageSizeText.format(.init()) == "—")
        var weightOnly = Souk_Catalog_V1_PackageSize()
        weightOnly.weightGrams = 80
        #expect(PackageSizeText.format(weightOnly) == "80 g")
    }
}
