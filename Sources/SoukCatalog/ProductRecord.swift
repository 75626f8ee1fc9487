import Foundation
import SoukMoney

/// A product row with its SKUs and prices, as stored.
struct ProductRecord: Sendable {
    struct SkuRecord: Sendable {
        var code: String
        var attributes: [String: String]
        var prices: [Money]
        /// One unit as packed; zeros where the merchant has not said.
        var packageSize = PackageSize()
        /// Whether an active warehouse has a unit no order holds (as read; false for a record being written).
        var isInStock = false
    }

    var id: UUID
    var categoryID: UUID
    var title: String
    var description: String
    var imageURLs: [String]
    var attributes: [String: String]
    var published: Bool
    var skus: [SkuRecord]
}
