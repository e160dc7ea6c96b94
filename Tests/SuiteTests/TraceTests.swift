import Foundation
import GRPCCore
import NomadKit
import NomadProtos
import NomadTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One portal request and one direct gRPC call followed through every process
/// they touch by their trace id, in the processes' own JSON logs: the five
/// services and the portal as real processes, as `nomadctl up` runs them.
@Suite(.serialized) struct TraceTests {
    @Test func aTraceIDFollowsACallThroughEveryProcessItTouches() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nomad-trace-\(UUID().text)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Debug, so a call that succeeds logs its "rpc" line too.
        let members = WholeSuite.services.map {
            SuiteMember($0, environment: ["NOMAD_LOG_LEVEL": "debug"], outputPrefix: "\(directory)/\($0)")
        }
        try await WholeSuite.run(members) { suite in
            let portalPort = try Loopback.portForLater()
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NOMAD_") && !$0.key.hasPrefix("OTEL_") }
            for service in WholeSuite.services { environment["NOMAD_\(service.uppercased())_ADDRESS"] = suite[service].address }
            environment["NOMAD_PORTAL_HTTP_PORT"] = String(portalPort)
            environment["NOMAD_PORTAL_METRICS_PORT"] = "-1"
            environment["NOMAD_PORTAL_PUBLIC_CACHE_SECONDS"] = "0"
            environment["NOMAD_LOG_LEVEL"] = "debug"
            let portal = try ChildProcess.spawn(
                name: "portal", executable: try builtExecutable("nomad-portal"), arguments: [], environment: environment,
                stdoutPath: "\(directory)/portal.out", stderrPath: "\(directory)/portal.err")
            defer { if !portal.hasExited { portal.signal(SIGKILL) } }
            let base = "http://127.0.0.1:\(portalPort)"
            let up = try await eventually(cap: 300, every: .milliseconds(100)) { (try? await Self.get(base + "/healthz")) == 200 }
            try #require(up, "the portal answers /healthz")

            // 1. A portal request that reaches all five services: /healthz asks
            // each one's grpc.health.v1 under the request's trace.
            let health = Self.newTraceID()
            let healthStatus = try await Self.get(base + "/healthz", traceparent: "00-\(health)-b7ad6b7169203331-01")
            #expect(healthStatus == 200)
            // 2. A page reading a service's data (jobs: ListJobs, ListBounties), uncached.
            let page = Self.newTraceID()
            let pageStatus = try await Self.get(base + "/jobs", traceparent: "00-\(page)-b7ad6b7169203331-01")
            #expect(pageStatus == 200)
            // 3. A portal request with a malformed traceparent: served, under a new trace.
            let garbledStatus = try await Self.get(base + "/jobs", traceparent: "00-not-a-trace-01")
            #expect(garbledStatus == 200)

            // 4. A direct gRPC call carrying a traceparent, a mutation whose
            // event the outbox relay later takes to analytics.
            let direct = Self.newTraceID()
            let jobs = JobsClient(wrapping: try suite["jobs"].client)
            var metadata = callMetadata(token: TestKeys.token(for: Principal(accountID: UUID(), role: .admin)))
            metadata.addString("00-\(direct)-00f067aa0ba902b7-01", forKey: "traceparent")
            metadata.addString("nomad=test", forKey: "tracestate")
            _ = try await jobs.createSkill(.with {
                $0.requestID = UUID().text
                $0.code = "trace-\(UUID().text.prefix(8))"
                $0.name = .with { $0.zhCn = "追踪"; $0.en = "tracing" }
            }, metadata: metadata)
            // 5. A malformed traceparent on a direct call is ignored, never refused.
            var garbled = callMetadata()
            garbled.addString("zz-\(String(repeating: "f", count: 600))", forKey: "traceparent")
            _ = try await jobs.listJobs(.with { $0.page.pageSize = 1 }, metadata: garbled)

            func lines(_ file: String, trace: String) -> [String] {
                let text = (try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)) ?? ""
                return text.split(separator: "\n").map(String.init).filter { $0.contains("\"trace_id\":\"\(trace)\"") }
            }
            let processes = ["portal.out"] + WholeSuite.services.map { "\($0)-1.out" }
            // The health trace: the portal and all five services.
            let everywhere = try await eventually(cap: 100, every: .milliseconds(100)) {
                processes.allSatisfy { !lines($0, trace: health).isEmpty }
            }
            #expect(everywhere, "trace \(health) in every process: \(processes.map { ($0, lines($0, trace: health).count) })")
            // The page's trace: the portal and jobs.
            let pageTraced = try await eventually(cap: 100, every: .milliseconds(100)) {
                !lines("portal.out", trace: page).isEmpty && !lines("jobs-1.out", trace: page).isEmpty
            }
            #expect(pageTraced, "trace \(page) in the portal's and jobs' logs")
            #expect(lines("jobs-1.out", trace: page).contains { $0.contains("nomad.jobs.v1.JobsService/ListJobs") })
            // The direct call's trace in jobs.
            #expect(lines("jobs-1.out", trace: direct).contains { $0.contains("nomad.jobs.v1.JobsService/CreateSkill") })
            // The relay's batch is a trace of its own (the outbox keeps no
            // request's context): the same id in jobs' relay line and in
            // analytics' IngestEvents line.
            var relayTrace: String?
            let relayed = try await eventually(cap: 200, every: .milliseconds(100)) {
                let text = (try? String(contentsOfFile: "\(directory)/jobs-1.out", encoding: .utf8)) ?? ""
                for line in text.split(separator: "\n") where line.contains("outbox batch relayed") {
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                          let trace = object["trace_id"] as? String else { continue }
                    if lines("analytics-1.out", trace: trace).contains(where: { $0.contains("IngestEvents") }) {
                        relayTrace = trace
                        return true
                    }
                }
                return false
            }
            #expect(relayed, "a relay batch's trace id in jobs' and analytics' logs")
            // No process logged a token or the tracestate.
            for file in processes {
                let text = (try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)) ?? ""
                #expect(!text.contains("Bearer "), "\(file) logs no token")
            }
            _ = await portal.terminate(grace: .seconds(10))

            // For the record: the lines of each trace, process by process.
            for (name, trace) in [("portal /healthz", health), ("portal /jobs", page), ("direct CreateSkill", direct),
                                  ("relay batch", relayTrace ?? "-")] {
                print("== \(name): trace \(trace)")
                for file in processes { for line in lines(file, trace: trace) { print("\(file): \(line)") } }
            }
        }
    }

    static func newTraceID() -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// GET `url`, with a traceparent when given; the status code.
    static func get(_ url: String, traceparent: String? = nil) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 10
        if let traceparent { request.setValue(traceparent, forHTTPHeaderField: "traceparent") }
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

/// With an OTLP endpoint configured, the server span goes out over OTLP/gRPC
/// with the caller's trace id and the caller's span as its parent. The
/// collector is `scripts/otlp-sink.py` (PyPI's grpcio and opentelemetry-proto);
/// without them this test says so and checks nothing.
@Suite(.serialized) struct TraceExportTests {
    static let sinkScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/otlp-sink.py").path

    static var sinkAvailable: Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import grpc, opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    @Test func spansAreExportedOverOTLPWhenAnEndpointIsConfigured() async throws {
        guard Self.sinkAvailable else {
            print("TraceExportTests: python3 with grpcio and opentelemetry-proto not found; export not checked")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nomad-otlp-\(UUID().text)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let spans = "\(directory)/spans.jsonl"
        let sinkPort = try Loopback.portForLater()
        let sink = try ChildProcess.spawn(
            name: "otlp-sink", executable: "/usr/bin/env", arguments: ["python3", Self.sinkScript, String(sinkPort), spans],
            environment: ProcessInfo.processInfo.environment,
            stdoutPath: "\(directory)/sink.out", stderrPath: "\(directory)/sink.err")
        defer { sink.signal(SIGKILL) }
        let listening = try await eventually(cap: 100, every: .milliseconds(100)) {
            ((try? String(contentsOfFile: "\(directory)/sink.out", encoding: .utf8)) ?? "").contains("listening")
        }
        try #require(listening, "the OTLP sink started")

        let trace = TraceTests.newTraceID()
        let parent = "00f067aa0ba902b7"
        try await withServiceProcesses("nomad-jobs", service: "jobs", count: 1, environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(sinkPort)",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        ]) { processes, _ in
            var metadata = callMetadata()
            metadata.addString("00-\(trace)-\(parent)-01", forKey: "traceparent")
            _ = try await JobsClient(wrapping: processes[0].client).listJobs(.with { $0.page.pageSize = 1 }, metadata: metadata)
            let exported = try await eventually(cap: 100, every: .milliseconds(100)) {
                ((try? String(contentsOfFile: spans, encoding: .utf8)) ?? "").contains(trace)
            }
            #expect(exported, "a span of trace \(trace) reached the collector")
        }
        let text = (try? String(contentsOfFile: spans, encoding: .utf8)) ?? ""
        let ours = text.split(separator: "\n").filter { $0.contains(trace) }
        print("TraceExportTests: exported spans of trace \(trace):\n" + ours.joined(separator: "\n"))
        #expect(ours.contains { $0.contains("\"parent_span_id\": \"\(parent)\"") && $0.contains("nomad.jobs.v1.JobsService/ListJobs") })
        #expect(ours.contains { $0.contains("\"service\": \"nomad-jobs\"") })
    }
}
