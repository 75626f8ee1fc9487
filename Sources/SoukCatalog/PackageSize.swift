import SoukAPI

/// One unit of a SKU as packed for shipping: weight in grams and sides in millimetres, 0 where the merchant has
/// not said. The delivery domain weighs a cart with these.
struct PackageSize: Sendable, Hashable {
    /// The heaviest package accepted: a tonne.
    static let maxWeightGrams = 1_000_000
    /// The longest side accepted: ten metres.
    static let maxSideMillimetres = 10_000

    var weightGrams = 0
    var lengthMillimetres = 0
    var widthMillimetres = 0
    var heightMillimetres = 0

    /// The package as the API shows it.
    var message: Souk_Catalog_V1_PackageSize {
        var message = Souk_Catalog_V1_PackageSize()
        message.weightGrams = Int32(self.weightGrams)
        message.lengthMm = Int32(self.lengthMillimetres)
        message.widthMm = Int32(self.widthMillimetres)
        message.heightMm = Int32(self.heightMillimetres)
        return message
    }
}
