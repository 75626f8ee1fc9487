/// One call a client makes in a client case: the method, its request message, and its deadline.
package struct ClientCall: Sendable {
    /// The full method path, e.g. `/souk.testing.v1.TestService/EmptyCall`.
    package var method: String
    /// The request message as it goes on the wire (protobuf bytes).
    package var request: [UInt8]
    /// The call's deadline; `nil` for none.
    package var timeout: Duration?
    /// The call starts once the server has read this many HEADERS (0: at once, with the others).
    package var startsAfterHeaders: Int

    /// Creates a call; the default is `EmptyCall` with an empty request and a 30-second deadline (a bound, not a
    /// speed: only the cases about deadlines wait for one).
    package init(
        method: String = TestMethod.emptyCall,
        request: [UInt8] = [],
        timeout: Duration? = .seconds(30),
        startsAfterHeaders: Int = 0
    ) {
        self.method = method
        self.request = request
        self.timeout = timeout
        self.startsAfterHeaders = startsAfterHeaders
    }
}
