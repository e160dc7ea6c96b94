import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

/// With an OTLP endpoint configured, the server span goes out over OTLP/gRPC
/// with the caller's trace id and the caller's span as its parent, and the
/// relay's batch span links back to the request whose event it carries. The
/// collector is `scripts/otlp-sink.py` (PyPI's grpcio and opentelemetry-proto,
/// which .ci/run installs); without them the test says so and checks nothing,
/// except under CI, where it fails.
///
/// The sink runs inside the test gate's whole width, like the service it
/// watches: it starts only once this test's turn has come, so it never waits
/// on other tests, and it is killed before the turn ends.
@Suite(.serialized) struct TraceExportTests {
    // The limit counts the wait for the test gate's whole width too, which in a
    // full run can be most of the run: it only ends a test that truly hangs.
    @Test(.timeLimit(.minutes(30)))
    func spansAreExportedOverOTLPWhenAnEndpointIsConfigured() async throws {
        guard let python = await OTLPSink.python() else {
            let message = "python3 with grpcio and opentelemetry-proto not found (pip install grpcio opentelemetry-proto)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("\(message)") }
            print("TraceExportTests: \(message); export not checked")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nomad-otlp-\(UUID().text)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trace = TraceTests.newTraceID()
        let parent = "00f067aa0ba902b7"
        try await withTestGate(exclusive: true) {
            try await withOTLPSink(python: python, directory: directory) { sink in
                // Analytics as the relay's target, jobs exporting to the sink.
                try await WholeSuite.run([
                    SuiteMember("analytics"),
                    SuiteMember(
                        "jobs",
                        environment: [
                            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(sink.port)",
                            "OTEL_BSP_SCHEDULE_DELAY": "100",
                        ]),
                ]) { suite in
                    var metadata = TestCaller.make(.enterprise).metadata
                    metadata.addString("00-\(trace)-\(parent)-01", forKey: "traceparent")
                    var options = CallOptions.defaults
                    options.timeout = .seconds(10)
                    _ = try await JobsClient(wrapping: try suite["jobs"].client).publishJob(
                        .with {
                            $0.requestID = UUID().text
                            $0.job = .with {
                                $0.title = "Exported data cleaning"
                                $0.description_p = "Cleaning Danzhou's tourism records."
                                $0.requiredSkills = [
                                    .with {
                                        $0.skillCode = "software.mobile.ios"; $0.minLevel = 2; $0.weight = 3
                                    }
                                ]
                                $0.budget = .with {
                                    $0.currencyCode = "CNY"; $0.minorUnits = 200_000
                                }
                                $0.mode = .remoteOrder
                                $0.seats = 1
                                $0.deadline = .init(date: Date().addingTimeInterval(30 * 86400))
                                $0.languages = ["zh-CN"]
                            }
                        }, metadata: metadata, options: options)
                    // The server span, and the relay batch's span linking to its trace.
                    let exported = try await eventually(cap: 300, every: .milliseconds(100)) {
                        let spans = sink.spans(containing: trace)
                        return spans.contains { $0.contains("PublishJob") } && spans.contains { $0.contains("outbox.relay") }
                    }
                    let ours = sink.spans(containing: trace)
                    print("TraceExportTests: exported spans of (or linked to) trace \(trace):\n" + ours.joined(separator: "\n"))
                    #expect(exported, "the server span and the relay's linked span of trace \(trace) reached the collector")
                    #expect(
                        ours.contains {
                            $0.contains("\"trace_id\": \"\(trace)\"") && $0.contains("\"parent_span_id\": \"\(parent)\"")
                                && $0.contains("nomad.jobs.v1.JobsService/PublishJob") && $0.contains("\"service\": \"nomad-jobs\"")
                        })
                    #expect(
                        ours.contains {
                            $0.contains("outbox.relay") && !$0.contains("\"trace_id\": \"\(trace)\"")
                        }, "the batch is a trace of its own, linked to the request's (the line names the trace only as a link)")
                }
            }
        }
    }
}
