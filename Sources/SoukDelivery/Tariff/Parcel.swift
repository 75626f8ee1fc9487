/// What a cart weighs and measures as one parcel: units packed side by side, each as the catalog sizes it.
package struct Parcel: Sendable, Hashable {
    package var weightGrams: Int
    /// The sum of the units' volumes, in cubic centimetres rounded up.
    package var volumeCM3: Int64
    /// The parcel's sides in millimetres: the longest length and width of any unit, the units' heights stacked.
    package var lengthMM: Int
    package var widthMM: Int
    package var heightMM: Int

    package init(weightGrams: Int, volumeCM3: Int64, lengthMM: Int, widthMM: Int, heightMM: Int) {
        self.weightGrams = weightGrams
        self.volumeCM3 = volumeCM3
        self.lengthMM = lengthMM
        self.widthMM = widthMM
        self.heightMM = heightMM
    }

    /// One unit of a SKU and how many of it.
    package struct Item: Sendable, Hashable {
        package var sku: String
        package var quantity: Int
        package var weightGrams: Int
        package var lengthMM: Int
        package var widthMM: Int
        package var heightMM: Int

        package init(sku: String, quantity: Int, weightGrams: Int, lengthMM: Int, widthMM: Int, heightMM: Int) {
            self.sku = sku
            self.quantity = quantity
            self.weightGrams = weightGrams
            self.lengthMM = lengthMM
            self.widthMM = widthMM
            self.heightMM = heightMM
        }
    }

    /// The parcel `items` make.
    ///
    /// - Throws: ``DeliveryError`` (failed precondition) naming the first SKU whose weight the catalog does not
    ///   know: a price cannot be quoted without it.
    package init(items: [Item]) throws {
        guard !items.isEmpty else { throw DeliveryError.failedPrecondition("cart: empty; nothing to ship") }
        var weight = 0
        var volumeMM3: Int64 = 0
        var length = 0
        var width = 0
        var height = 0
        for item in items {
            guard item.weightGrams > 0 else {
                throw DeliveryError.failedPrecondition(
                    "cart: \(item.sku) has no package weight in the catalog; staff must set it before it can be shipped"
                )
            }
            let count = max(item.quantity, 0)
            weight += item.weightGrams * count
            volumeMM3 += Int64(item.lengthMM) * Int64(item.widthMM) * Int64(item.heightMM) * Int64(count)
            length = max(length, item.lengthMM)
            width = max(width, item.widthMM)
            height += item.heightMM * count
        }
        let volume = (volumeMM3 + 999) / 1000
        self.init(weightGrams: weight, volumeCM3: volume, lengthMM: length, widthMM: width, heightMM: height)
    }
}
