import Foundation
import PostgresNIO
import SoukStorage

/// Cart lines of one account; the account id always comes from the caller's token, never from a request.
extension PostgresCatalogStore: CartStore {
    /// The SKU's product id and title when the SKU belongs to a published product.
    func publishedSku(_ sku: String) async throws -> (product: UUID, title: String)? {
        let rows = try await self.client.guardedQuery(
            """
            SELECT p.id, p.title FROM catalog.skus s JOIN catalog.products p ON p.id = s.product_id
            WHERE s.code = \(sku) AND p.state = 'published'
            """,
            logger: self.logger
        )
        for try await (id, title) in rows.decode((UUID, String).self) { return (id, title) }
        return nil
    }

    /// Sets the quantity of one line (0 removes it).
    func setCartLine(account: UUID, sku: String, quantity: Int) async throws {
        if quantity == 0 {
            try await self.client.guardedQuery(
                "DELETE FROM catalog.cart_lines WHERE account_id = \(account) AND sku = \(sku)",
                logger: self.logger
            )
        } else {
            try await self.client.guardedQuery(
                """
                INSERT INTO catalog.cart_lines (account_id, sku, quantity) VALUES (\(account), \(sku), \(quantity))
                ON CONFLICT (account_id, sku) DO UPDATE SET quantity = excluded.quantity
                """,
                logger: self.logger
            )
        }
    }

    /// The account's lines with their products, oldest first.
    func cartLines(account: UUID) async throws -> [(sku: String, product: UUID, quantity: Int)] {
        let rows = try await self.client.guardedQuery(
            """
            SELECT c.sku, s.product_id, c.quantity FROM catalog.cart_lines c JOIN catalog.skus s ON s.code = c.sku
            WHERE c.account_id = \(account) ORDER BY c.added_at, c.sku
            """,
            logger: self.logger
        )
        var lines: [(sku: String, product: UUID, quantity: Int)] = []
        for try await (sku, product, quantity) in rows.decode((String, UUID, Int).self) {
            lines.append((sku, product, quantity))
        }
        return lines
    }
}
