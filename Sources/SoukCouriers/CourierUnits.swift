package import Foundation

/// Souk's grams and millimetres in the couriers' units, in integer arithmetic, always rounded **up** so a
/// declared parcel is never lighter or smaller than the real one (a courier re-weighs and surcharges an
/// under-declared parcel).
///
/// One avoirdupois ounce is exactly 28.349523125 g and one inch exactly 25.4 mm, so:
/// - CDEK: ``centimetres(millimetres:)`` = ⌈mm / 10⌉; grams go as they are.
/// - EasyPost: ``tenthsOfOunce(grams:)`` = ⌈g · 10¹⁰ / 28 349 523 125⌉ and ``tenthsOfInch(millimetres:)`` =
///   ⌈mm · 100 / 254⌉, sent as decimals with one digit (1000 g → 35.3 oz; 100 mm → 4.0 in).
package enum CourierUnits {
    /// Whole centimetres, rounded up: 301 mm → 31 cm.
    package static func centimetres(millimetres: Int) -> Int {
        Int(Self.divideRoundingUp(Int128(millimetres), by: 10))
    }

    /// Tenths of an ounce, rounded up: 1000 g → 353 (35.3 oz).
    package static func tenthsOfOunce(grams: Int) -> Int64 {
        Int64(Self.divideRoundingUp(Int128(grams) * 10_000_000_000, by: 28_349_523_125))
    }

    /// Tenths of an inch, rounded up: 100 mm → 40 (4.0 in); 101 mm → 40 (3.976… → 4.0); 102 mm → 41.
    package static func tenthsOfInch(millimetres: Int) -> Int64 {
        Int64(Self.divideRoundingUp(Int128(millimetres) * 100, by: 254))
    }

    /// `tenths` / 10 as an exact decimal, which JSON encodes as `35.3`.
    package static func decimal(tenths: Int64) -> Decimal {
        Decimal(sign: tenths < 0 ? .minus : .plus, exponent: -1, significand: Decimal(tenths.magnitude))
    }

    /// ⌈a / b⌉ for b > 0 (and any a ≥ 0; a negative a rounds toward zero, which no valid parcel has).
    private static func divideRoundingUp(_ a: Int128, by b: Int128) -> Int128 {
        let (quotient, remainder) = a.quotientAndRemainder(dividingBy: b)
        return remainder > 0 ? quotient + 1 : quotient
    }
}
