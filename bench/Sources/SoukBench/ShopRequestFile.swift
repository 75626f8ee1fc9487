package import Foundation
import GRPCCore
import SoukAPI
import SwiftProtobuf

/// The request files of the C client's rows: what `swp-call load --method raw --request-file` reads.
///
/// A file is the requests back to back, each protobuf-encoded (`serializedBytes()`) and prefixed by its length as
/// 4 big-endian bytes, the format `clients/c/cli/request_file.c` documents.
package enum ShopRequestFile {
    /// The most bytes one request may have (SWP's default MAX_MESSAGE_SIZE, which the C client also enforces).
    package static let maximumMessageBytes = 4 * 1024 * 1024

    /// `messages` as one request file.
    ///
    /// - Throws: ``BenchError/usage(_:)`` when a message is over ``maximumMessageBytes``.
    package static func encode(_ messages: [Data]) throws -> Data {
        var file = Data()
        file.reserveCapacity(messages.reduce(0) { $0 + 4 + $1.count })
        for message in messages {
            guard message.count <= Self.maximumMessageBytes else {
                throw BenchError.usage("a request of \(message.count) bytes does not fit in a request file")
            }
            let length = UInt32(message.count)
            file.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) })
            file.append(message)
        }
        return file
    }

    /// The messages of a request file, in order.
    ///
    /// - Throws: ``BenchError/usage(_:)`` when a record runs past the end or is over ``maximumMessageBytes``.
    package static func messages(in file: Data) throws -> [Data] {
        let bytes = [UInt8](file)
        var messages: [Data] = []
        var at = 0
        while at < bytes.count {
            guard bytes.count - at >= 4 else {
                throw BenchError.usage(
                    "request file: \(bytes.count - at) byte(s) at offset \(at), too few for a length"
                )
            }
            let length = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            guard length <= Self.maximumMessageBytes, bytes.count - at - 4 >= length else {
                throw BenchError.usage("request file: the record at offset \(at) declares \(length) bytes")
            }
            messages.append(Data(bytes[at + 4..<at + 4 + length]))
            at += 4 + length
        }
        return messages
    }

    /// The method (`/package.Service/Method`) and request file the C client drives `operation` with, from
    /// `fixture`; nil for the operations it does not drive (see ``ShopDriver/operations``).
    package static func load(
        for operation: ShopOperation,
        fixture: ShopFixture
    ) throws -> (path: String, file: Data)? {
        switch operation {
        case .lookup:
            (
                "/" + Souk_Catalog_V1_CatalogService.Method.GetProduct.descriptor.fullyQualifiedMethod,
                try Self.lookups(productIDs: fixture.productIDs)
            )
        case .search:
            (
                "/" + Souk_Catalog_V1_CatalogService.Method.SearchProducts.descriptor.fullyQualifiedMethod,
                try Self.searches(words: fixture.searchWords)
            )
        case .order, .checkout:
            nil
        }
    }

    /// GetProduct of every product in every currency the shop prices in (product by product), as the Swift client's
    /// lookups pick them at random.
    package static func lookups(productIDs: [String]) throws -> Data {
        try Self.encode(
            productIDs.flatMap { id in
                ShopFixture.currencies.map { currency in
                    var request = Souk_Catalog_V1_GetProductRequest()
                    request.productID = id
                    request.currency = currency
                    return request
                }
            }
        )
    }

    /// The first page (20) of SearchProducts for every search word in every currency, as the Swift client's
    /// searches pick them at random.
    package static func searches(words: [String]) throws -> Data {
        try Self.encode(
            words.flatMap { word in
                ShopFixture.currencies.map { currency in
                    var request = Souk_Catalog_V1_SearchProductsRequest()
                    request.query = word
                    request.currency = currency
                    request.pageSize = 20
                    return request
                }
            }
        )
    }

    private static func encode<Request: SwiftProtobuf.Message>(_ requests: [Request]) throws -> Data {
        try Self.encode(requests.map { try $0.serializedBytes() as Data })
    }
}
