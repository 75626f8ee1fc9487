import Hummingbird

extension BridgeResponder {
    /// The request's `Origin` if it is one of the configured CORS origins.
    func allowedOrigin(_ request: Request) -> String? {
        guard let origin = request.headers[.origin], self.config.corsOrigins.contains(origin) else { return nil }
        return origin
    }

    /// A CORS preflight: 204 with the allowed methods and headers for a listed origin, 403 for anyone else.
    func preflight(_ request: Request) -> Response {
        guard self.allowedOrigin(request) != nil else { return Response(status: .forbidden) }
        return Response(
            status: .noContent,
            headers: [
                .accessControlAllowMethods: "POST, GET",
                .accessControlAllowHeaders: "Content-Type, Connect-Protocol-Version, Connect-Timeout-Ms, X-CSRF-Token",
                .accessControlMaxAge: "600",
            ]
        )
    }

    /// Adds the CORS response headers when the request comes from a listed origin; nothing otherwise.
    func addCORSHeaders(to response: inout Response, for request: Request) {
        guard let origin = self.allowedOrigin(request) else { return }
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.vary] = "Origin"
    }
}
