import GRPCCore
import Metrics
import NomadKit

/// Counts and times every gRPC call the portal makes, by method and status:
/// portal_grpc_client_calls_total{method,code} and
/// portal_grpc_client_duration_seconds{method}, on /metrics.
struct ClientMetricsInterceptor: ClientInterceptor {
    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        let method = context.descriptor.fullyQualifiedMethod
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            let code: String
            switch response.accepted {
            case .success: code = "OK"
            case .failure(let error): code = error.code.statusName
            }
            record(method: method, code: code, since: started)
            return response
        } catch let error as RPCError {
            record(method: method, code: error.code.statusName, since: started)
            throw error
        } catch {
            record(method: method, code: "UNKNOWN", since: started)
            throw error
        }
    }

    private func record(method: String, code: String, since started: ContinuousClock.Instant) {
        Counter(label: "portal_grpc_client_calls_total", dimensions: [("method", method), ("code", code)]).increment()
        Metrics.Timer(label: "portal_grpc_client_duration_seconds", dimensions: [("method", method)])
            .recordNanoseconds((ContinuousClock.now - started).nanosecondsClamped)
    }
}

extension Duration {
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
