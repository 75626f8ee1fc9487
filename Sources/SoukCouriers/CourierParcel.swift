/// One parcel as Souk measures it: whole grams and millimetres. Each client converts to its courier's units at
/// the edge (CDEK: grams and centimetres; EasyPost: ounces and inches), always rounding up (``CourierUnits``).
package struct CourierParcel: Sendable, Hashable {
    /// The weight, packaging included.
    package var weightGrams: Int
    /// The longest side.
    package var lengthMM: Int
    /// The middle side.
    package var widthMM: Int
    /// The shortest side.
    package var heightMM: Int

    /// A parcel of `weightGrams` and the three sides.
    package init(weightGrams: Int, lengthMM: Int, widthMM: Int, heightMM: Int) {
        self.weightGrams = weightGrams
        self.lengthMM = lengthMM
        self.widthMM = widthMM
        self.heightMM = heightMM
    }

    /// The parcel's field that is not positive (or absurdly large), for a ``CourierError/Code/invalidRequest``.
    func invalidField(index: Int) -> String? {
        let limit = 10_000_000
        let fields = [
            ("weight", self.weightGrams), ("length", self.lengthMM), ("width", self.widthMM),
            ("height", self.heightMM),
        ]
        for (name, value) in fields where value <= 0 || value > limit { return "packages[\(index)].\(name)" }
        return nil
    }
}
