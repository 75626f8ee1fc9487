import GRPCCore
import Prometheus

/// Counts and times every call through it (see ``RPCMetrics``).
///
/// A call is finished when its status is known: when the next interceptor throws or rejects it, or when its
/// response's producer returns or throws (after the last message, for streaming responses too).
struct RPCMetricsInterceptor: ServerInterceptor {
    let methods: [MethodDescriptor: MethodMetrics]
    let other: MethodMetrics
    let inFlight: Gauge

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let metrics = self.methods[context.descriptor] ?? self.other
        let inFlight = self.inFlight
        let start = ContinuousClock.now
        metrics.started.increment()
        inFlight.increment()
        @Sendable func finish(_ code: RPCError.Code?) {
            inFlight.decrement()
            metrics.finish(code, after: ContinuousClock.now - start)
        }
        var response: StreamingServerResponse<Output>
        do {
            response = try await next(request, context)
        } catch {
            finish(StatusLabel.code(of: error))
            throw error
        }
        switch response.accepted {
        case .success(var contents):
            let producer = contents.producer
            contents.producer = { writer in
                do {
                    let trailers = try await producer(writer)
                    finish(nil)
                    return trailers
                } catch {
                    finish(StatusLabel.code(of: error))
                    throw error
                }
            }
            response.accepted = .success(contents)
        case .failure(let error):
            finish(error.code)
        }
        return response
    }
}
