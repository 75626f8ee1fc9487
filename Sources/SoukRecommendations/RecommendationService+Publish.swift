import Foundation
package import GRPCCore
package import SoukAPI
import SoukDomain

extension RecommendationService {
    /// The most products one list may hold.
    static let maxListLength = 200

    package func publishLists(
        request: RPCAsyncSequence<Souk_Recommendations_V1_PublishListsRequest, any Error>,
        context: ServerContext
    ) async throws -> Souk_Recommendations_V1_PublishListsResponse {
        var customers = Set<String>()
        var products = Set<String>()
        var popular = false
        var message = 0
        let version = try await self.store.publish(at: self.wallClock.now) { write in
            for try await part in request {
                message += 1
                let list: ScoredList
                switch part.list {
                case .customer(let customer):
                    guard let id = UUID(uuidString: customer.customerID) else {
                        throw RecommendationsError.invalidArgument(
                            "message \(message): customer.customer_id: not a customer id"
                        )
                    }
                    let subject = id.uuidString.lowercased()
                    guard customers.insert(subject).inserted else {
                        throw RecommendationsError.invalidArgument(
                            "message \(message): customer.customer_id: \(customer.customerID) is listed twice"
                        )
                    }
                    list = try Self.list(
                        .customer,
                        subject: subject,
                        customer.products,
                        field: "message \(message): customer.products"
                    )
                case .product(let product):
                    let subject = product.productID
                    guard !subject.isEmpty, subject.count <= 64 else {
                        throw RecommendationsError.invalidArgument(
                            "message \(message): product.product_id: 1 to 64 characters"
                        )
                    }
                    guard products.insert(subject).inserted else {
                        throw RecommendationsError.invalidArgument(
                            "message \(message): product.product_id: \(subject) is listed twice"
                        )
                    }
                    list = try Self.list(
                        .product,
                        subject: subject,
                        product.neighbours,
                        field: "message \(message): product.neighbours"
                    )
                case .popular(let everyone):
                    guard !popular else {
                        throw RecommendationsError.invalidArgument("message \(message): popular: sent twice")
                    }
                    popular = true
                    list = try Self.list(.popular, subject: "", everyone.products, field: "message \(message): popular")
                case nil:
                    throw RecommendationsError.invalidArgument("message \(message): list: required")
                }
                try await write(list)
            }
        }
        var response = Souk_Recommendations_V1_PublishListsResponse()
        response.version = version
        response.customers = Int32(customers.count)
        response.products = Int32(products.count)
        return response
    }

    /// A list from the wire, checked: at most ``maxListLength`` products, each with an id and a finite score.
    static func list(
        _ kind: ScoredList.Kind,
        subject: String,
        _ scored: [Souk_Recommendations_V1_ScoredProduct],
        field: String
    ) throws -> ScoredList {
        guard scored.count <= Self.maxListLength else {
            throw RecommendationsError.invalidArgument("\(field): at most \(Self.maxListLength) products")
        }
        for (index, product) in scored.enumerated() {
            guard !product.productID.isEmpty, product.productID.count <= 64 else {
                throw RecommendationsError.invalidArgument("\(field)[\(index)].product_id: 1 to 64 characters")
            }
            guard product.score.isFinite else {
                throw RecommendationsError.invalidArgument("\(field)[\(index)].score: not a finite number")
            }
        }
        return ScoredList(kind: kind, subject: subject, products: scored.map(\.productID), scores: scored.map(\.score))
    }
}
