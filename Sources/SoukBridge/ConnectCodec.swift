/// A Connect unary codec, chosen by the request's `Content-Type`; the response uses the same one.
package enum ConnectCodec: Sendable, Hashable {
    /// `application/json`: the protobuf JSON mapping (unknown fields are rejected).
    case json
    /// `application/proto`: the protobuf binary encoding.
    case proto

    /// The codec of a `Content-Type` value, ignoring case and a `charset=utf-8` parameter; nil if unsupported.
    package init?(contentType: String) {
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingSpaces() }
        guard let mediaType = parts.first else { return nil }
        let parameters = parts.dropFirst()
        switch mediaType {
        case "application/json":
            // JSON must be UTF-8; Connect allows the parameter but no other charset.
            guard parameters.allSatisfy({ $0 == "charset=utf-8" }) else { return nil }
            self = .json
        case "application/proto":
            guard parameters.isEmpty else { return nil }
            self = .proto
        default:
            return nil
        }
    }

    /// The `Content-Type` of a response in this codec.
    package var contentType: String {
        switch self {
        case .json: "application/json"
        case .proto: "application/proto"
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
