import W3CTraceContext

/// Reads the W3C `traceparent`/`tracestate` pair a caller sent.
public enum W3CHeaders {
    /// The caller's context, or nil when `traceparent` is absent or malformed
    /// (the call then starts a new trace; it is never refused for it). A
    /// malformed `tracestate` is dropped and the `traceparent` kept, as W3C says.
    public static func parse(traceparent: String?, tracestate: String?) -> TraceContext? {
        guard let traceparent, traceparent.utf8.count <= 512 else { return nil }
        let parsed: TraceContext
        if let tracestate, !tracestate.isEmpty, tracestate.utf8.count <= 512,
            let withState = try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: tracestate)
        {
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
