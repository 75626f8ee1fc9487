import GRPCCore
import Logging
import PostgresNIO
import SoukStorage

/// The outermost server interceptor: a call that needs the database fails fast with UNAVAILABLE, and a message
/// naming the database, while PostgreSQL cannot be reached.
///
/// - While the ``HealthStatusBoard`` says the database is unreachable, calls are refused before any handler runs.
/// - A call in flight when a probe finds the database gone is cancelled and answered UNAVAILABLE, rather than
///   waiting for the pool to give up connecting (a minute).
/// - A connection failure from a handler or an inner interceptor (a PostgresNIO `PSQLError` about the connection,
///   SoukStorage's `connectionClosed`, or a server SQLSTATE of class 08 or 57P0x, also inside a transaction's
///   error) becomes UNAVAILABLE instead of UNKNOWN with an empty message, whether it was thrown or handed back as a
///   failed response.
///
/// `grpc.health.v1.Health` passes through untouched: it is how clients learn that the database is gone.
struct DatabaseAvailabilityInterceptor: ServerInterceptor {
    let board: HealthStatusBoard
    /// The database's name, for messages (never its address or credentials).
    let databaseName: String
    let logger: Logger

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard context.descriptor.service.fullyQualifiedService != HealthService.serviceName else {
            return try await next(request, context)
        }
        guard self.board.isDatabaseReachable else { throw self.unavailable() }
        var response = self.replacingConnectionFailure(in: try await self.guarding { try await next(request, context) })
        // A streaming response's producer runs after `next` returns: guard it too.
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in try await self.guarding { try await producer(writer) } }
            response.accepted = .success(contents)
        }
        return response
    }

    /// Runs `body`, cancelling it with UNAVAILABLE if the database becomes unreachable first, and maps a
    /// connection failure it throws to UNAVAILABLE.
    private func guarding<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let board = self.board
        do {
            // The child tasks end before the group returns, so `body` does not outlive this call.
            return try await withoutActuallyEscaping(body) { body in
                try await self.racing(body, against: board)
            }
        } catch {
            // Errors a service chose (RPCError, RPCErrorConvertible) pass through as they are, unless they wrap a
            // lost connection (GRPCCore wraps what a handler threw in UNKNOWN).
            let isServiceError = error is RPCError || error is any RPCErrorConvertible
            guard Self.isConnectionFailure(error) || (!isServiceError && !board.isDatabaseReachable) else {
                throw error
            }
            throw self.unavailable(after: error)
        }
    }

    /// `response` with a failure that says the database is gone replaced by UNAVAILABLE. GRPCCore hands an outer
    /// interceptor what an inner interceptor or the handler threw as a failed response, an UNKNOWN status with no
    /// message whose cause is the original error, rather than throwing it.
    private func replacingConnectionFailure<Output>(
        in response: StreamingServerResponse<Output>
    ) -> StreamingServerResponse<Output> {
        guard case .failure(let error) = response.accepted else { return response }
        let isUnknown = error.code == .unknown
        guard Self.isConnectionFailure(error) || (isUnknown && !self.board.isDatabaseReachable) else { return response }
        var replaced = response
        replaced.accepted = .failure(self.unavailable(after: error))
        return replaced
    }

    /// Runs `body` until it finishes or the board says the database is gone, whichever comes first.
    private func racing<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T,
        against board: HealthStatusBoard
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
            group.addTask { .finished(try await body()) }
            group.addTask {
                for await reachable in board.databaseReachability() where !reachable {
                    return .databaseLost
                }
                // The board ended its streams (shutdown) or the call finished: no verdict.
                return .noVerdict
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                switch outcome {
                case .finished(let value): return value
                case .databaseLost: throw self.unavailable()
                case .noVerdict: continue
                }
            }
            throw CancellationError()
        }
    }

    private enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case databaseLost
        case noVerdict
    }

    /// UNAVAILABLE in place of `error`, which is logged (it never reaches the caller).
    private func unavailable(after error: any Error) -> RPCError {
        self.logger.warning(
            "a call failed because the database cannot be reached",
            metadata: ["error": "\(String(reflecting: error))"]
        )
        return self.unavailable()
    }

    private func unavailable() -> RPCError {
        RPCError(
            code: .unavailable,
            message: "the PostgreSQL database '\(self.databaseName)' cannot be reached; try again later"
        )
    }

    /// Whether `error` says the database could not be reached or dropped the connection: a `PSQLError`, seen
    /// through a transaction's error (its BEGIN, closure or COMMIT) and through the UNKNOWN status GRPCCore wraps
    /// an error in.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        switch error {
        case let error as RPCError:
            guard error.code == .unknown, let cause = error.cause else { return false }
            return self.isConnectionFailure(cause)
        case let error as PostgresTransactionError:
            return [error.beginError, error.closureError, error.commitError].contains { inner in
                inner.map { self.isConnectionFailure($0) } ?? false
            }
        case let error as PSQLError:
            return self.isConnectionFailure(error)
        case let error as StorageError:
            return error.code == .connectionClosed
        default:
            return false
        }
    }

    private static func isConnectionFailure(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            // Class 08: connection exception; 57P01–57P03: the server is shutting down or starting.
            guard let state = SQLState(of: error) else { return false }
            return state.isConnectionException
                || [SQLState.adminShutdown, .crashShutdown, .cannotConnectNow].contains(state)
        default:
            return false
        }
    }
}
