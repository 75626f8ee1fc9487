/// One purchase occasion of one customer: the products bought together, and when.
package struct Basket: Sendable, Hashable {
    /// The customer's index in the data set (``BasketData/customers``).
    package var customer: Int
    /// The basket's id as the data set names it.
    package var id: String
    /// When it was bought: seconds since 1970 for ISO 8601 times, or the data set's own ordering integer.
    package var time: Int64
    /// Products' indices (``BasketData/products``) with quantities, each product once.
    package var items: [Int: Int]

    package init(customer: Int, id: String, time: Int64, items: [Int: Int]) {
        self.customer = customer
        self.id = id
        self.time = time
        self.items = items
    }
}

/// Baskets with customers and products numbered densely, as the models want them.
package struct BasketData: Sendable {
    /// How the data set gives time.
    package enum TimeKind: Sendable, Hashable {
        /// ISO 8601 dates or times: a time split by days is meaningful.
        case instants
        /// Integers that only order each customer's baskets.
        case ordinals
    }

    /// Customer ids as the data set names them, by index.
    package var customers: [String] = []
    /// Product ids as the data set names them, by index.
    package var products: [String] = []
    /// Every basket, each customer's in time order (ties kept in file order).
    package var baskets: [Basket] = []
    package var timeKind: TimeKind = .ordinals

    package init() {}
}
