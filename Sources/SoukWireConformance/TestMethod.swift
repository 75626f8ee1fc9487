/// The TestService methods the cases call (Protos/souk/testing/v1/test_service.proto).
package enum TestMethod {
    /// Answers a `SimpleRequest`, or fails with its `response_status`.
    package static let unaryCall = "/souk.testing.v1.TestService/UnaryCall"
    /// Echoes its `Payload`.
    package static let echo = "/souk.testing.v1.TestService/Echo"
    /// One empty request, one empty response; echoes `x-grpc-test-echo-initial` as initial metadata.
    package static let emptyCall = "/souk.testing.v1.TestService/EmptyCall"
    /// Waits `duration_ms` unless cancelled.
    package static let sleep = "/souk.testing.v1.TestService/Sleep"
    /// Streams `count` payloads of `size` bytes.
    package static let streamBytes = "/souk.testing.v1.TestService/StreamBytes"
    /// Sums the payload sizes of a client stream.
    package static let streamingInputCall = "/souk.testing.v1.TestService/StreamingInputCall"
}
