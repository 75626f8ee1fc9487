/// The bridge's limits and browser settings.
package struct BridgeConfig: Sendable, Hashable {
    /// The largest request body accepted; a larger one is refused with resource_exhausted. In a client stream
    /// (`ImportProducts`) it bounds each message instead.
    package var maxBodyBytes: Int
    /// The largest client-streaming body (an import file) accepted in total.
    package var maxUploadBytes: Int
    /// Whether the session cookie carries `Secure`; off only for plain-http development.
    package var secureCookies: Bool
    /// The origins allowed to call from a browser (CORS); empty means none.
    package var corsOrigins: Set<String>
    /// How long a cookie session lives unused.
    package var sessionIdleTimeout: Duration
    /// An access token this close to its expiry is refreshed before a call.
    package var refreshMargin: Duration
    /// How often a server stream sends an empty message (`{}`, or zero protobuf bytes), so a browser that went
    /// away is noticed by a failed write and its upstream call cancelled, even while nothing happens.
    package var streamHeartbeat: Duration
    /// The largest webhook body a payment provider may post; a larger one is refused with 413 before it is
    /// forwarded. Both providers' notifications are a few KiB.
    package var maxWebhookBytes: Int
    /// How long a webhook waits for the payments service before answering 503 (the provider retries).
    package var webhookTimeout: Duration
    /// The most bytes of header fields (names and values) a request may carry; more is refused with 431 before
    /// anything is forwarded, so no caller's header reaches the services' shared connection over its limits.
    package var maxHeaderBytes: Int
    /// How long a connection may send nothing while it is idle or its request is being read (headers or body)
    /// before it is closed: a slow or silent client holds nothing for long. A response being written (a live
    /// stream) is not cut.
    package var idleTimeout: Duration
    /// The longest a unary call may take upstream (a shorter `Connect-Timeout-Ms` wins): past it the browser gets
    /// deadline_exceeded (504) rather than waiting on a service that does not answer.
    package var callTimeout: Duration

    /// Creates a configuration; cookies are `Secure` and CORS is closed unless asked otherwise.
    package init(
        maxBodyBytes: Int,
        maxUploadBytes: Int = 64 << 20,
        secureCookies: Bool = true,
        corsOrigins: Set<String> = [],
        sessionIdleTimeout: Duration = .seconds(30 * 60),
        refreshMargin: Duration = .seconds(30),
        streamHeartbeat: Duration = .seconds(15),
        maxWebhookBytes: Int = 256 << 10,
        webhookTimeout: Duration = .seconds(20),
        maxHeaderBytes: Int = 16 << 10,
        idleTimeout: Duration = .seconds(30),
        callTimeout: Duration = .seconds(30)
    ) {
        self.idleTimeout = idleTimeout
        self.callTimeout = callTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.streamHeartbeat = streamHeartbeat
        self.maxWebhookBytes = maxWebhookBytes
        self.webhookTimeout = webhookTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxUploadBytes = maxUploadBytes
        self.secureCookies = secureCookies
        self.corsOrigins = corsOrigins
        self.sessionIdleTimeout = sessionIdleTimeout
        self.refreshMargin = refreshMargin
    }

    /// 1 MiB bodies (64 MiB uploads), `Secure` cookies, no CORS origins, 30-minute idle sessions, a stream heartbeat
    /// every 15 s, 256 KiB webhooks answered within 20 s, 16 KiB of headers, 30 s idle, unary calls within 30 s.
    package static var defaults: Self { Self(maxBodyBytes: 1 << 20) }
}
