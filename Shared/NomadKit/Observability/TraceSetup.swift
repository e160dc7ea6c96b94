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
    /// tracer in force when the line is written (a logger made before the
    /// bootstrap still logs the ids). Read by JSONLogHandler on every line.
    public static let logMetadata = Logger.MetadataProvider {
        state.withLock { $0.provider }.get()
    }

    /// swift-otel's exporter, to run in the process's ServiceGroup (first, so
    /// it stops last and flushes the last spans, for at most
    /// `exporterShutdownLimit`); nil when nothing is exported, and for every
    /// caller but the first (one process, one exporter).
    public static func takeExporterService(logger: Logger) -> (any Service)? {
        let service = state.withLock { state -> (any Service)? in
            defer { state.serviceTaken = true }
            return state.serviceTaken ? nil : state.service
        }
        return service.map { BoundedShutdownService(base: $0, name: "span exporter", limit: exporterShutdownLimit, logger: logger) }
    }

    /// How long the exporter may take to send its last spans once everything
    /// else in the process has stopped.
    static let exporterShutdownLimit = Duration.seconds(3)

    /// True when spans are exported over OTLP.
    public static var exporting: Bool { state.withLock { $0.service != nil } }

    /// Installs the tracer once per process; later calls do nothing. The
    /// exporter is made outside the lock: swift-otel logs while it starts, and
    /// a log line reads `logMetadata`, which takes the same lock.
    public static func bootstrap(service: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let first = state.withLock { state in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        if exportRequested(environment), let backend = makeExporter(service: service) {
            InstrumentationSystem.bootstrap(backend.factory)
            // Its default keys are ours: trace_id, span_id (and trace_flags).
            let provider = OTel.makeLoggingMetadataProvider(configuration: .default)
            state.withLock {
                $0.service = backend.service
                $0.provider = provider
            }
            return
        }
        InstrumentationSystem.bootstrap(LocalTracer())
    }

    private static func makeExporter(service: String) -> (factory: any Tracer, service: any Service)? {
        do {
            var configuration = OTel.Configuration.default
            configuration.serviceName = "nomad-\(service)"
            configuration.metrics.enabled = false
            configuration.logs.enabled = false
            configuration.propagators = [.traceContext]
            // swift-otel's own diagnostics as our JSON lines, warnings and worse
            // (its console default would put plain text lines on stdout).
            configuration.diagnosticLogLevel = .warning
            configuration.diagnosticLogger = .custom(
                Logger(label: "nomad.otel") { label in
                    JSONLogHandler(label: label, service: service, level: .warning, traceMetadata: Logger.MetadataProvider { [:] })
                })
            // Only the gRPC exporter is built (package trait OTLPGRPC).
            configuration.traces.otlpExporter.protocol = .grpc
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            return (backend.factory, backend.service)
        } catch {
            FileHandle.standardError.write(
                Data(
                    "nomad-\(service): OTLP trace export not started (\(error)); trace ids are still logged and propagated\n".utf8))
            return nil
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
        var started = false
        var provider = LocalTracer.logMetadata
        var service: (any Service)?
        var serviceTaken = false
    }

    private static let state = Mutex(State())
}
