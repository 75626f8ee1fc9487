/// One published list: products best first with their scores, for a customer, for a product, or for everyone.
package struct ScoredList: Sendable, Hashable {
    /// Whose list it is.
    package enum Kind: String, Sendable, Hashable {
        /// A customer's own recommendations; the subject is the customer's id (lower-case UUID).
        case customer
        /// A product's co-purchase neighbours; the subject is the product's id.
        case product
        /// The most bought products, for customers without a list of their own; the subject is empty.
        case popular
    }

    package var kind: Kind
    package var subject: String
    /// Product ids, best first.
    package var products: [String]
    /// Each product's score, in the order of ``products``.
    package var scores: [Double]

    package init(kind: Kind, subject: String, products: [String], scores: [Double]) {
        self.kind = kind
        self.subject = subject
        self.products = products
        self.scores = scores
    }
}
