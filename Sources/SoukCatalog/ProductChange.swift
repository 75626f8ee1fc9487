import Foundation
import SoukMoney

/// The changes UpdateProduct makes to one product: each nil field stays as it is.
struct ProductChange: Sendable {
    var id: UUID
    var title: String?
    var description: String?
    var categoryID: UUID?
    var imageURLs: [String]?
    var attributes: [String: String]?
    /// Each SKU's new prices (the first is the base), replacing all it had.
    var skuPrices: [(sku: String, prices: [Money])] = []
    /// Each SKU's new package size, replacing what it had.
    var skuPackages: [(sku: String, packageSize: PackageSize)] = []
    /// Back to draft.
    var unpublish = false
}
