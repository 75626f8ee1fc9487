/// One line of a past order, as the list builder reads it from the analytics schema.
package struct Purchase: Sendable, Hashable {
    package var customer: String
    /// The order the line belongs to: one basket.
    package var basket: String
    package var product: String
    package var quantity: Int
    /// When the order was placed, in seconds since 1970.
    package var time: Int64

    package init(customer: String, basket: String, product: String, quantity: Int, time: Int64) {
        self.customer = customer
        self.basket = basket
        self.product = product
        self.quantity = quantity
        self.time = time
    }
}

extension BasketData {
    /// Baskets from order lines: a basket's lines of one product merged, each customer's baskets in time order
    /// (ties by basket id), customers and products numbered in the order they first appear.
    package init(purchases: [Purchase]) {
        self.init()
        self.timeKind = .instants
        var customerIndex: [String: Int] = [:]
        var productIndex: [String: Int] = [:]
        var basketIndex: [String: Int] = [:]
        var baskets: [Basket] = []
        for purchase in purchases {
            let customer = Self.index(of: purchase.customer, in: &customerIndex, names: &self.customers)
            let product = Self.index(of: purchase.product, in: &productIndex, names: &self.products)
            let key = "\(customer)\u{1F}\(purchase.basket)"
            let basket: Int
            if let known = basketIndex[key] {
                basket = known
            } else {
                basket = baskets.count
                basketIndex[key] = basket
                baskets.append(Basket(customer: customer, id: purchase.basket, time: purchase.time, items: [:]))
            }
            baskets[basket].items[product, default: 0] += purchase.quantity
        }
        self.baskets = baskets.sorted { left, right in
            if left.customer != right.customer { return left.customer < right.customer }
            if left.time != right.time { return left.time < right.time }
            return left.id < right.id
        }
    }

    /// The index of `name`, numbering it next when it is new.
    private static func index(of name: String, in indices: inout [String: Int], names: inout [String]) -> Int {
        if let index = indices[name] { return index }
        indices[name] = names.count
        names.append(name)
        return names.count - 1
    }
}
