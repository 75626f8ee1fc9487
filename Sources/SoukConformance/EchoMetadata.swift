package import GRPCCore

/// The interop rules for echoing request metadata back to the client.
package enum EchoMetadata {
    /// The text key echoed as initial (response) metadata.
    package static let initialKey = "x-grpc-test-echo-initial"
    /// The binary key echoed as trailing metadata.
    package static let trailingKey = "x-grpc-test-echo-trailing-bin"

    /// Initial metadata to send: the request's `x-grpc-test-echo-initial` values.
    package static func initial(from request: Metadata) -> Metadata {
        var metadata: Metadata = [:]
        for value in request[stringValues: Self.initialKey] {
            metadata.addString(value, forKey: Self.initialKey)
        }
        return metadata
    }

    /// Trailing metadata to send: the request's `x-grpc-test-echo-trailing-bin` values.
    package static func trailing(from request: Metadata) -> Metadata {
        var metadata: Metadata = [:]
        for value in request[binaryValues: Self.trailingKey] {
            metadata.addBinary(value, forKey: Self.trailingKey)
        }
        return metadata
    }
}
