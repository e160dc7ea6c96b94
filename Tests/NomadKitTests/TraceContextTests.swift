import Foundation
import GRPCCore
import Logging
@testable import NomadKit
import Testing
import Tracing
import W3CTraceContext

/// W3C trace context as the chassis reads, continues, passes on and logs it.
@Suite struct TraceContextTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let valid = "00-\(traceID)-00f067aa0ba902b7-01"

    @Test func aValidTraceparentIsContinued() throws {
        let parsed = try #require(W3CHeaders.parse(traceparent: Self.valid, tracestate: "congo=t61rcWkgMzE"))
        #expect(parsed.traceID.description == Self.traceID)
        #expect(parsed.spanID.description == "00f067aa0ba902b7")
        #expect(parsed.flags.contains(.sampled))
        #expect(parsed.traceStateHeaderValue == "congo=t61rcWkgMzE")
    }

    @Test(arguments: [
        "", "garbage", "00", "00-\(traceID)", "00-\(traceID)-00f067aa0ba902b7",
        "00-\(traceID)-00f067aa0ba902b7-0", "00-\(traceID)-00f067aa0ba902b7-01-extra",
        "ff-\(traceID)-00f067aa0ba902b7-01",  // forbidden version
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // all-zero trace id
        "00-\(traceID)-0000000000000000-01",  // all-zero span id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // upper case
        "00-\(traceID.dropLast())g-00f067aa0ba902b7-01",  // not hex
        "00_\(traceID)_00f067aa0ba902b7_01",
        "00-\(traceID)-00f067aa0ba902b7-01\u{0}",
        String(repeating: "0", count: 100_000),
        "\u{1F600}-\(traceID)-00f067aa0ba902b7-01",
    ])
    func aMalformedTraceparentIsIgnored(header: String) {
        #expect(W3CHeaders.parse(traceparent: header, tracestate: "a=b") == nil)
    }

    @Test func aMalformedTracestateIsDroppedAndTheTraceparentKept() throws {
        let parsed = try #require(W3CHeaders.parse(traceparent: Self.valid, tracestate: "not a =valid,,, state\u{0}"))
        #expect(parsed.traceID.description == Self.traceID)
        #expect(parsed.traceStateHeaderValue == nil || parsed.traceStateHeaderValue == "")
    }

    @Test func theServerSpanContinuesAValidCallerAndInjectsItOnward() throws {
        let tracer = LocalTracer()
        var incoming = Metadata()
        incoming.addString(Self.valid, forKey: "traceparent")
        incoming.addString("congo=t61rcWkgMzE", forKey: "tracestate")
        var context = InstrumentationContext.topLevel
        tracer.extract(incoming, into: &context, using: GRPCMetadataExtractor())
        let span = tracer.startSpan("m", context: context, ofKind: .server)
        var outgoing = Metadata()
        tracer.inject(span.context, into: &outgoing, using: GRPCMetadataInjector())
        let traceparent = try #require(outgoing[stringValues: "traceparent"].first(where: { _ in true }))
        let parts = traceparent.split(separator: "-")
        #expect(parts.count == 4)
        #expect(parts[1] == Self.traceID[...])
        #expect(parts[2] != "00f067aa0ba902b7", "a span of its own")
        #expect(parts[3] == "01", "the caller's sampled flag passed on")
        #expect(outgoing[stringValues: "tracestate"].first(where: { _ in true }) == "congo=t61rcWkgMzE")
    }

    @Test(arguments: ["garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", ""])
    func aMalformedCallerGetsANewTrace(header: String) throws {
        let tracer = LocalTracer()
        var incoming = Metadata()
        incoming.addString(header, forKey: "traceparent")
        var context = InstrumentationContext.topLevel
        tracer.extract(incoming, into: &context, using: GRPCMetadataExtractor())
        let span = tracer.startSpan("m", context: context, ofKind: .server)
        var outgoing = Metadata()
        tracer.inject(span.context, into: &outgoing, using: GRPCMetadataInjector())
        let traceparent = try #require(outgoing[stringValues: "traceparent"].first(where: { _ in true }))
        #expect(W3CHeaders.parse(traceparent: traceparent, tracestate: nil) != nil, "a valid new trace: \(traceparent)")
        #expect(!traceparent.contains("00000000000000000000000000000000"))
        #expect(outgoing[stringValues: "tracestate"].first(where: { _ in true }) == nil)
    }

    @Test func logLinesCarryTheCurrentTraceAndSpanID() throws {
        let sink = LineSink()
        let handler = JSONLogHandler(
            label: "t", service: "svc", level: .info, traceMetadata: LocalTracer.logMetadata, output: { sink.append($0) })
        let logger = Logging.Logger(label: "t", factory: { _ in handler })
        var context = InstrumentationContext.topLevel
        var incoming = Metadata()
        incoming.addString(Self.valid, forKey: "traceparent")
        LocalTracer().extract(incoming, into: &context, using: GRPCMetadataExtractor())
        let span = LocalTracer().startSpan("m", context: context, ofKind: .server)
        InstrumentationContext.$current.withValue(span.context) {
            logger.info("inside")
        }
        logger.info("outside")
        let lines = try sink.lines.map { try JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines[0]?["trace_id"] as? String == Self.traceID)
        #expect((lines[0]?["span_id"] as? String)?.count == 16)
        #expect(lines[1]?["trace_id"] == nil, "no span, no trace id")
    }

    @Test func exportIsOffWithoutAnEndpoint() {
        #expect(!TraceSetup.exportRequested([:]))
        #expect(TraceSetup.exportRequested(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"]))
        #expect(TraceSetup.exportRequested(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4317"]))
        #expect(!TraceSetup.exportRequested(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_SDK_DISABLED": "true"]))
        #expect(!TraceSetup.exportRequested(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_TRACES_EXPORTER": "none"]))
        #expect(!TraceSetup.exportRequested(["OTEL_EXPORTER_OTLP_ENDPOINT": " "]))
    }
}

/// Trace context at rest (an outbox row's traceparent) and back.
@Suite struct TraceCarrierTests {
    @Test func outsideASpanNothingIsCarried() {
        #expect(TraceCarrier.current().isEmpty)
    }

    @Test func aStoredTraceparentComesBackAsItsContext() throws {
        let tracer = LocalTracer()
        let traceparent = "00-\(TraceContextTests.traceID)-00f067aa0ba902b7-01"
        var context = InstrumentationContext.topLevel
        tracer.extract(["traceparent": traceparent], into: &context, using: TraceCarrier.DictionaryExtractor())
        let restored = try #require(context.localTraceContext)
        #expect(restored.traceID.description == TraceContextTests.traceID)
        #expect(TraceCarrier.context(traceparent: "garbage") == nil)
    }
}
