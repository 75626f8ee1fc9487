import ArgumentParser

/// `soukd serve`'s flags for the browser bridge it starts beside the services.
struct BridgeOptions: ParsableArguments {
    @Option(
        help:
            "Port of the browser bridge (the admin page and Connect calls); 0 picks a free port. [env: SOUK_BRIDGE_PORT] (default: 7780)"
    )
    var bridgePort: Int?

    @Option(
        help:
            "Address the browser bridge binds; it speaks plain HTTP, so anything but loopback belongs behind a TLS proxy. [env: SOUK_BRIDGE_HOST] (default: 127.0.0.1)"
    )
    var bridgeHost: String?

    @Flag(help: "Do not start the browser bridge (run souk-bridge alone instead). [env: SOUK_BRIDGE=off]")
    var noBridge = false

    @Option(
        help:
            "The admin page's folder, served by the bridge at /. [env: SOUK_WEB_ROOT] (default: clients/web of the working folder or of the source tree soukd was built in)"
    )
    var webRoot: String?

    @Option(help: "The CA the bridge trusts for soukd's own --tls-cert (needed with --tls-cert). [env: SOUK_BRIDGE_CA]")
    var bridgeCa: String?

    @Flag(
        help:
            "Leave Secure off the bridge's session cookie: plain-http development only. [env: SOUK_BRIDGE_INSECURE_COOKIES=1]"
    )
    var bridgeInsecureCookies = false
}
