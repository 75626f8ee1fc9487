import GRPCCore
import SoukAPI

/// `grpc.health.v1.Health`, answering from a ``HealthStatusBoard``.
///
/// `Check` of an unknown service is NOT_FOUND, as the health protocol specifies; `Watch` of one yields
/// SERVICE_UNKNOWN and keeps watching, so a client sees the service once it is registered.
struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    static let serviceName = "grpc.health.v1.Health"

    let board: HealthStatusBoard

    func check(
        request: Grpc_Health_V1_HealthCheckRequest,
        context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = self.board.status(of: request.service) else {
            throw RPCError(code: .notFound, message: "unknown service '\(request.service)'")
        }
        return Self.response(status)
    }

    func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        let updates = self.board.updates(of: request.service)
        try await withRPCCancellationHandler {
            for await status in updates {
                try await response.write(Self.response(status))
            }
        } onCancelRPC: {
            // Nothing to do: the board ends its streams at shutdown, and the writer fails once the peer is gone.
        }
    }

    private static func response(_ status: HealthStatusBoard.Status?) -> Grpc_Health_V1_HealthCheckResponse {
        var response = Grpc_Health_V1_HealthCheckResponse()
        switch status {
        case .serving: response.status = .serving
        case .notServing: response.status = .notServing
        case nil: response.status = .serviceUnknown
        }
        return response
    }
}
