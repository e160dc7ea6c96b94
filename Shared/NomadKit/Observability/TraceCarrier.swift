import Instrumentation
import ServiceContextModule

/// Trace context as plain header pairs (`traceparent`, `tracestate`), for
/// where it has to rest outside a call: an outbox row, a span link.
public enum TraceCarrier {
    /// The current span's headers; empty outside any span.
    public static func current() -> [String: String] {
        guard let context = InstrumentationContext.current else { return [:] }
        var headers: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &headers, using: DictionaryInjector())
        return headers
    }

    /// The context these headers carry, in the tracer in force; nil when they carry none.
    public static func context(traceparent: String) -> InstrumentationContext? {
        guard W3CHeaders.parse(traceparent: traceparent, tracestate: nil) != nil else { return nil }
        var context = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(["traceparent": traceparent], into: &context, using: DictionaryExtractor())
        return context
    }

    struct DictionaryInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }
    }

    struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? {
            carrier[key]
        }
    }
}
