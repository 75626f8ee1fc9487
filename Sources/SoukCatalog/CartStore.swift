import Foundation

/// Cart lines of one account; the account id always comes from the caller's token, never from a request.
protocol CartStore: Sendable {
    /// The SKU's product id and title when the SKU belongs to a published product.
    func publishedSku(_ sku: String) async throws -> (product: UUID, title: String)?

    /// Sets the quantity of one line (0 removes it).
    func setCartLine(account: UUID, sku: String, quantity: Int) async throws

    /// The account's lines with their products, oldest first.
    func cartLines(account: UUID) async throws -> [(sku: String, product: UUID, quantity: Int)]
}
