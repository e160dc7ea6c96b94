import Foundation
import GRPCCore
import Instrumentation
import Logging
import OTel
import ServiceContextModule
import ServiceLifecycle
import Synchronization
import Tracing
import W3CTraceContext

/// W3C trace context across the suite, one way for every process.
///
/// Every process bootstraps swift-distributed-tracing's `InstrumentationSystem`
/// once (`TraceSetup.bootstrap`, called by `LogSetup.bootstrap`):
/// - with an OTLP endpoint configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or
///   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, unless `OTEL_SDK_DISABLED=true` or
///   `OTEL_TRACES_EXPORTER=none`), swift-otel's tracer, exporting spans over
///   OTLP/gRPC in batches; the other `OTEL_*` variables apply as swift-otel reads them;
/// - otherwise `LocalTracer`: trace and span ids made, propagated and logged,
///   nothing recorded or exported.
///
/// The server side (`ObservabilityInterceptor`, the portal's `TracingMiddleware`)
/// extracts `traceparent`/`tracestate` and runs the call in a server span;
/// `TraceContextClientInterceptor` injects the current context into every
/// outgoing call; `JSONLogHandler` writes the current span's ids as `trace_id`
/// and `span_id`. Handlers and `logger.info(...)` calls need nothing of their own.
public enum TraceSetup {
    /// The log metadata (`trace_id`, `span_id`) of the current span, by the
    /// tracer in force. Read by JSONLogHandler on every line.
    public static var logMetadata: Logger.MetadataProvider { state.withLock { $0.provider } }

    /// swift-otel's exporter, to run in the process's ServiceGroup (first, so
    /// it stops last and flushes the last spans); nil when nothing is exported,
    /// and for every caller but the first (one process, one exporter).
    public static func takeExporterService() -> (any Service)? {
        state.withLock { state in
            defer { state.serviceTaken = true }
            return state.serviceTaken ? nil : state.service
        }
    }

    /// True when spans are exported over OTLP.
    public static var exporting: Bool { state.withLock { $0.service != nil } }

    /// Installs the tracer once per process; later calls do nothing.
    public static func bootstrap(service: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        state.withLock { state in
            guard !state.done else { return }
            state.done = true
            if exportRequested(environment) {
                do {
                    var configuration = OTel.Configuration.default
                    configuration.serviceName = "nomad-\(service)"
                    configuration.metrics.enabled = false
                    configuration.logs.enabled = false
                    configuration.propagators = [.traceContext]
                    // swift-otel's own diagnostics as our JSON lines, warnings and worse
                    // (its console default would put plain text lines on stdout).
                    configuration.diagnosticLogLevel = .warning
                    configuration.diagnosticLogger = .custom(Logger(label: "nomad.otel") { label in
                        JSONLogHandler(label: label, service: service, level: .warning, traceMetadata: Logger.MetadataProvider { [:] })
                    })
                    // Only the gRPC exporter is built (package trait OTLPGRPC).
                    configuration.traces.otlpExporter.protocol = .grpc
                    let backend = try OTel.makeTracingBackend(configuration: configuration)
                    InstrumentationSystem.bootstrap(backend.factory)
                    state.service = backend.service
                    // Its default keys are ours: trace_id, span_id (and trace_flags).
                    state.provider = OTel.makeLoggingMetadataProvider(configuration: .default)
                    return
                } catch {
                    FileHandle.standardError.write(Data(
                        "nomad-\(service): OTLP trace export not started (\(error)); trace ids are still logged and propagated\n".utf8))
                }
            }
            InstrumentationSystem.bootstrap(LocalTracer())
            state.provider = LocalTracer.logMetadata
        }
    }

    /// Whether the environment asks for spans to be exported.
    static func exportRequested(_ environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if environment["OTEL_TRACES_EXPORTER"]?.lowercased() == "none" { return false }
        let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"]
        return !(endpoint ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    }

    private struct State: Sendable {
        var done = false
        var provider = LocalTracer.logMetadata
        var service: (any Service)?
        var serviceTaken = false
    }

    private static let state = Mutex(State())
}

// MARK: - The tracer without export

/// Makes W3C ids and carries them, records nothing: the tracer in force when
/// no OTLP endpoint is configured. A span is one small object holding its
/// context; starting one costs a random span id (and a trace id at a root).
public struct LocalTracer: Tracer {
    public init() {}

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> LocalSpan {
        var context = context()
        let parent = context.localTraceContext
        // A child keeps the trace, the caller's flags (it may have sampled)
        // and tracestate; a root gets a new trace, not sampled: nothing here records.
        context.localTraceContext = TraceContext(
            traceID: parent?.traceID ?? .random(), spanID: .random(), flags: parent?.flags ?? [],
            state: parent?.state ?? TraceState())
        return LocalSpan(operationName: operationName, context: context)
    }

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract
    ) where Extract.Carrier == Carrier {
        guard let parent = W3CHeaders.parse(
            traceparent: extractor.extract(key: "traceparent", from: carrier),
            tracestate: extractor.extract(key: "tracestate", from: carrier))
        else { return }
        context.localTraceContext = parent
    }

    public func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let trace = context.localTraceContext else { return }
        injector.inject(trace.traceParentHeaderValue, forKey: "traceparent", into: &carrier)
        if let state = trace.traceStateHeaderValue, !state.isEmpty {
            injector.inject(state, forKey: "tracestate", into: &carrier)
        }
    }

    public func forceFlush() {}

    /// `trace_id` and `span_id` of the current LocalSpan, for log lines.
    public static let logMetadata = Logger.MetadataProvider {
        guard let trace = InstrumentationContext.current?.localTraceContext else { return [:] }
        return ["trace_id": .string(trace.traceID.description), "span_id": .string(trace.spanID.description)]
    }
}

/// A span that only carries its context.
public final class LocalSpan: Span {
    public let context: InstrumentationContext
    private let name: Mutex<String>

    init(operationName: String, context: InstrumentationContext) {
        self.context = context
        self.name = Mutex(operationName)
    }

    public var operationName: String {
        get { name.withLock { $0 } }
        set { name.withLock { $0 = newValue } }
    }

    public var attributes: SpanAttributes {
        get { [:] }
        set {}
    }

    public var isRecording: Bool { false }
    public func setStatus(_ status: SpanStatus) {}
    public func addEvent(_ event: SpanEvent) {}
    public func recordError<Instant: TracerInstant>(
        _ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant
    ) {}
    public func addLink(_ link: SpanLink) {}
    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {}
}

private enum LocalTraceContextKey: InstrumentationContextKey {
    typealias Value = TraceContext
    static let nameOverride: String? = "nomad-trace-context"
}

extension InstrumentationContext {
    /// The W3C context of the current LocalSpan (or of the remote parent, after extract).
    var localTraceContext: TraceContext? {
        get { self[LocalTraceContextKey.self] }
        set { self[LocalTraceContextKey.self] = newValue }
    }
}

// MARK: - W3C headers

public enum W3CHeaders {
    /// The caller's context, or nil when `traceparent` is absent or malformed
    /// (the call then starts a new trace; it is never refused for it). A
    /// malformed `tracestate` is dropped and the `traceparent` kept, as W3C says.
    public static func parse(traceparent: String?, tracestate: String?) -> TraceContext? {
        guard let traceparent, traceparent.utf8.count <= 512 else { return nil }
        let parsed: TraceContext
        if let tracestate, !tracestate.isEmpty, tracestate.utf8.count <= 512,
           let withState = try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate) {
            parsed = withState
        } else if let plain = try? TraceContext(traceParentHeaderValue: traceparent) {
            parsed = plain
        } else {
            return nil
        }
        // All-zero ids are invalid (W3C): a new trace instead.
        if parsed.traceID == .null || parsed.spanID == .null { return nil }
        return parsed
    }
}

// MARK: - gRPC metadata carriers

public struct GRPCMetadataExtractor: Extractor {
    public init() {}
    public func extract(key: String, from carrier: Metadata) -> String? {
        carrier[stringValues: key].first(where: { _ in true })
    }
}

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
