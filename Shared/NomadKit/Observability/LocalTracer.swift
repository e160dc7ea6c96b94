import Instrumentation
import Logging
import ServiceContextModule
import Synchronization
import Tracing
import W3CTraceContext

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
        guard
            let parent = W3CHeaders.parse(
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
