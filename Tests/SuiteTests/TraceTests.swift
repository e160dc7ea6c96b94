import Foundation
import GRPCCore
import NomadKit
import NomadLocal
import NomadProtos
import NomadTesting
import SwiftProtobuf
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One portal request and one direct gRPC call followed through every process
/// they touch by their trace id, in the processes' own JSON logs: the five
/// services and the portal as real processes, as `nomadctl up` runs them.
/// Every wait is bounded; the time limit is the last guard, not the plan.
@Suite(.serialized) struct TraceTests {
    // The limit counts the wait for the test gate's whole width too, which in a
    // full run can be most of the run: it only ends a test that truly hangs.
    @Test(.timeLimit(.minutes(30)))
    func aTraceIDFollowsACallThroughEveryProcessItTouches() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nomad-trace-\(UUID().text)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Debug, so a call that succeeds logs its "rpc" line, and the relay its batches.
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
            // Killed on every way out of this closure; the suite's services by WholeSuite.
            defer { portal.signal(SIGKILL) }
            let up = try await eventually(cap: 300, every: .milliseconds(100)) {
                if portal.hasExited { return true }
                return await PlainHTTP.status(port: portalPort, path: "/healthz", timeoutSeconds: 2) == 200
            }
            try #require(up && !portal.hasExited, "the portal answers /healthz (\(portal.exitDescription))")

            // 1. A portal request that reaches all five services: /healthz asks
            // each one's grpc.health.v1 under the request's trace.
            let health = Self.newTraceID()
            #expect(
                await PlainHTTP.status(port: portalPort, path: "/healthz", headers: ["traceparent": "00-\(health)-b7ad6b7169203331-01"])
                    == 200)
            // 2. A page reading a service's data (jobs: ListJobs), uncached.
            let page = Self.newTraceID()
            #expect(
                await PlainHTTP.status(port: portalPort, path: "/jobs", headers: ["traceparent": "00-\(page)-b7ad6b7169203331-01"]) == 200)
            // 3. A malformed traceparent: served, under a new trace.
            #expect(await PlainHTTP.status(port: portalPort, path: "/jobs", headers: ["traceparent": "00-not-a-trace-01"]) == 200)

            // 4. A direct gRPC call carrying a traceparent, a mutation whose
            // event the outbox relay later takes to analytics.
            let direct = Self.newTraceID()
            let jobs = JobsClient(wrapping: try suite["jobs"].client)
            var metadata = TestCaller.make(.enterprise).metadata
            metadata.addString("00-\(direct)-00f067aa0ba902b7-01", forKey: "traceparent")
            metadata.addString("nomad=test", forKey: "tracestate")
            var options = CallOptions.defaults
            options.timeout = .seconds(10)
            _ = try await jobs.publishJob(
                .with {
                    $0.requestID = UUID().text
                    $0.job = .with {
                        $0.title = "Traced data cleaning"
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
            // 5. A malformed traceparent on a direct call is ignored, never refused.
            var garbled = callMetadata()
            garbled.addString("zz-\(String(repeating: "f", count: 600))", forKey: "traceparent")
            _ = try await jobs.listJobs(.with { $0.page.pageSize = 1 }, metadata: garbled, options: options)

            let logs = ProcessLogs(directory: directory)
            let processes = ["portal.out"] + WholeSuite.services.map { "\($0)-1.out" }
            // The health trace: the portal and all five services.
            let everywhere = try await eventually(cap: 100, every: .milliseconds(100)) {
                processes.allSatisfy { !logs.lines($0, trace: health).isEmpty }
            }
            #expect(everywhere, "trace \(health) in every process: \(processes.map { ($0, logs.lines($0, trace: health).count) })")
            // The page's trace: the portal and jobs' ListJobs.
            let pageTraced = try await eventually(cap: 100, every: .milliseconds(100)) {
                !logs.lines("portal.out", trace: page).isEmpty
                    && logs.lines("jobs-1.out", trace: page).contains { $0.contains("nomad.jobs.v1.JobsService/ListJobs") }
            }
            #expect(pageTraced, "trace \(page) in the portal's log and in jobs' ListJobs line")
            // The direct call's trace in jobs.
            #expect(logs.lines("jobs-1.out", trace: direct).contains { $0.contains("nomad.jobs.v1.JobsService/PublishJob") })
            // Across the outbox: the relay batch carrying the call's event names
            // the call's trace among its origins, and analytics logs the batch's
            // IngestEvents under the batch's own trace id.
            var relayTrace: String?
            let relayed = try await eventually(cap: 300, every: .milliseconds(100)) {
                for batch in logs.objects("jobs-1.out") where batch["msg"] as? String == "outbox batch relayed" {
                    guard let origins = batch["origin_trace_ids"] as? [String], origins.contains(direct),
                        let trace = batch["trace_id"] as? String
                    else { continue }
                    if logs.lines("analytics-1.out", trace: trace).contains(where: { $0.contains("IngestEvents") }) {
                        relayTrace = trace
                        return true
                    }
                }
                return false
            }
            #expect(relayed, "a relay batch naming trace \(direct) as an origin, its own trace id in analytics' IngestEvents line")
            // No process logged a token.
            for file in processes {
                #expect(!logs.text(file).contains("Bearer "), "\(file) logs no token")
            }
            _ = await portal.terminate(grace: .seconds(10))

            // For the record: the lines of each trace, process by process.
            for (name, trace) in [
                ("portal /healthz", health), ("portal /jobs", page), ("direct PublishJob", direct),
                ("its relay batch", relayTrace ?? "-"),
            ] {
                print("== \(name): trace \(trace)")
                for file in processes { for line in logs.lines(file, trace: trace) { print("\(file): \(line)") } }
            }
        }
    }

    static func newTraceID() -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

/// The JSON log files of a test's processes, read afresh on every call.
struct ProcessLogs {
    let directory: String

    func text(_ file: String) -> String {
        (try? String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)) ?? ""
    }

    /// The lines of `file` logged under trace `trace`.
    func lines(_ file: String, trace: String) -> [String] {
        text(file).split(separator: "\n").map(String.init).filter { $0.contains("\"trace_id\":\"\(trace)\"") }
    }

    /// Every line of `file` that is a JSON object.
    func objects(_ file: String) -> [[String: Any]] {
        text(file).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
