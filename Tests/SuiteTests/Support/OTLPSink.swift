import Foundation
import NomadKit
import NomadLocal
import NomadTesting

#if canImport(Glibc)
    import Glibc
#endif

/// `scripts/otlp-sink.py` as a child process: an OTLP/gRPC collector that
/// writes the spans it receives to a file, one JSON object a line.
///
/// Every wait here is bounded and the process dies on every way out: it is
/// started with ChildProcess (posix_spawn, no inherited descriptors, waited
/// for by polling, never by a blocked thread), killed by `withOTLPSink` on
/// return and on throw, and exits by itself when the test process is gone.
struct OTLPSink: Sendable {
    let port: Int
    let spansPath: String

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/otlp-sink.py").path

    /// The JSON lines received so far that mention `text` (a trace id).
    func spans(containing text: String) -> [String] {
        let all = (try? String(contentsOfFile: spansPath, encoding: .utf8)) ?? ""
        return all.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// Whether python3 can import what the sink needs; nil when it cannot,
    /// else the interpreter's path. Asked of a child process given 30 s (an
    /// import of grpc on a loaded machine takes a few), killed past that.
    static func python() async -> String? {
        guard let python = ["/usr/bin/env"].first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        guard
            let probe = try? ChildProcess.spawn(
                name: "otlp-sink-probe", executable: python,
                arguments: ["python3", "-c", "import grpc, opentelemetry.proto.collector.trace.v1.trace_service_pb2_grpc"],
                environment: ProcessInfo.processInfo.environment, stdoutPath: "/dev/null", stderrPath: "/dev/null")
        else { return nil }
        if await probe.waitForExit(timeout: .seconds(30)) { return probe.exitCode == 0 ? python : nil }
        probe.signal(SIGKILL)
        _ = await probe.waitForExit(timeout: .seconds(5))
        return nil
    }
}

enum OTLPSinkError: Error, CustomStringConvertible {
    case notStarted(String)
    var description: String {
        switch self {
        case .notStarted(let why): "the OTLP sink did not start: \(why)"
        }
    }
}

/// Starts the sink in `directory`, waits (at most 30 s) until it listens, runs
/// `body`, then kills it, whatever `body` did.
func withOTLPSink<Result: Sendable>(
    python: String, directory: String, _ body: (OTLPSink) async throws -> Result
) async throws -> Result {
    let port = try Loopback.portForLater()
    let sink = OTLPSink(port: port, spansPath: "\(directory)/spans.jsonl")
    let output = "\(directory)/sink.out"
    let process = try ChildProcess.spawn(
        name: "otlp-sink", executable: python,
        arguments: ["python3", OTLPSink.script, String(port), sink.spansPath, String(getpid()), "600"],
        environment: ProcessInfo.processInfo.environment, stdoutPath: output, stderrPath: "\(directory)/sink.err")
    func kill() async {
        process.signal(SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(5))
    }
    do {
        let listening = try await eventually(cap: 300, every: .milliseconds(100)) {
            if process.hasExited { return true }
            return ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("listening")
        }
        if process.hasExited || !listening {
            let stderr = (try? String(contentsOfFile: "\(directory)/sink.err", encoding: .utf8)) ?? ""
            throw OTLPSinkError.notStarted(
                "\(process.exitDescription) after \(listening ? "start" : "30 s"); stderr: \(stderr.suffix(500))")
        }
        let result = try await body(sink)
        await kill()
        return result
    } catch {
        await kill()
        throw error
    }
}
