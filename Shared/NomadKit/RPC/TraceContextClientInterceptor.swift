import GRPCCore
import Instrumentation
import ServiceContextModule

/// Reads trace context from a call's gRPC metadata (server side).
public struct GRPCMetadataExtractor: Extractor {
    public init() {}
    public func extract(key: String, from carrier: Metadata) -> String? {
        carrier[stringValues: key].first(where: { _ in true })
    }
}

/// Writes trace context into an outgoing call's gRPC metadata.
public struct GRPCMetadataInjector: Injector {
    public init() {}
    public func inject(_ value: String, forKey key: String, into carrier: inout Metadata) {
        carrier.replaceOrAddString(value, forKey: key)
    }
}

/// Puts the current trace context (`traceparent`, `tracestate`) on every
/// outgoing call: used by every gRPC client the chassis and the portal make.
/// Outside any span (a tool's own call) it adds nothing and the callee starts
/// a trace of its own.
public struct TraceContextClientInterceptor: ClientInterceptor {
    public init() {}

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        guard let current = InstrumentationContext.current else { return try await next(request, context) }
        var request = request
        InstrumentationSystem.instrument.inject(current, into: &request.metadata, using: GRPCMetadataInjector())
        return try await next(request, context)
    }
}
