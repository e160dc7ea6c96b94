import Foundation
import NomadKit
import NomadLocal
import NomadTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `nomadctl up` itself, as a person runs it: a real nomadctl process with
/// its PostgreSQL and five service processes on free ports.
@Suite struct NomadctlUpTests {
    static let services = ["identity", "jobs", "assets", "events", "analytics"]

    @Test func aServiceKilledWithSigkillComesBackServingWhileTheOthersKeepRunning() async throws {
        try await withTestGate(exclusive: true) {
            let dataDir = NSTemporaryDirectory() + "nomadctl-kept-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: dataDir) }
            try await NomadctlUp.run(["--data-dir", dataDir]) { up in
                let before = try up.pids()
                let victim = try #require(before["identity"])
                kill(victim, SIGKILL)
                // It is restarted with a new pid and reports SERVING on its port.
                let after = try await up.waitFor("identity is SERVING again", within: .seconds(60))
                #expect(after.contains("identity killed by signal 9; restarting in 1s (restart 1)"))
                let pids = try up.pids()
                #expect(pids["identity"] != victim)
                #expect(try await up.isServing("identity"))
                // Nobody else was stopped or restarted.
                for service in Self.services where service != "identity" {
                    #expect(pids[service] == before[service], "\(service)")
                    #expect(kill(before[service]!, 0) == 0, "\(service) is still running")
                    #expect(try await up.isServing(service), "\(service)")
                }
                #expect(!up.output().contains("stopping the rest"))
                // A kept data directory runs durable.
                #expect(up.output().contains("kept cluster, durable"))
                #expect(try String(contentsOfFile: dataDir + "/data/nomad.conf", encoding: .utf8).contains("fsync = on"))
            }
        }
    }

    @Test func withNoRestartOneServiceExitStopsTheSuite() async throws {
        try await withTestGate(exclusive: true) {
            try await NomadctlUp.run(["--no-restart"], stopAtEnd: false) { up in
                let victim = try #require(try up.pids()["events"])
                kill(victim, SIGKILL)
                #expect(await up.process.waitForExit(timeout: .seconds(60)))
                #expect(up.process.exitCode == 1)
                #expect(up.output().contains("events killed by signal 9 unexpectedly; stopping the rest"))
                #expect(up.output().contains("fsync off"))
            }
        }
    }
}

/// One `nomadctl up` on free ports, its output in a file.
struct NomadctlUp: Sendable {
    let process: ChildProcess
    let runFile: String
    let outputFile: String
    let ports: [String: Int]

    static func run(
        _ flags: [String], stopAtEnd: Bool = true, _ body: (NomadctlUp) async throws -> Void
    ) async throws {
        let scratch = NSTemporaryDirectory() + "nomadctl-up-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var arguments = ["up", "--run-file", scratch + "/run.json", "--drain-timeout", "10"] + flags
        var ports: [String: Int] = [:]
        for service in NomadctlUpTests.services {
            ports[service] = try Loopback.portForLater()
            arguments += ["--grpc-port", "\(service)=\(ports[service]!)", "--metrics-port", "\(service)=\(try Loopback.portForLater())"]
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NOMAD_") }
        environment["NOMAD_LOG_LEVEL"] = ProcessInfo.processInfo.environment["NOMAD_TEST_LOG_LEVEL"] ?? "critical"
        let output = scratch + "/output.log"
        let process = try ChildProcess.spawn(
            name: "nomadctl-up", executable: try builtExecutable("nomadctl"), arguments: arguments,
            environment: environment, stdoutPath: output, stderrPath: output + ".err")
        let up = NomadctlUp(process: process, runFile: scratch + "/run.json", outputFile: output, ports: ports)
        do {
            _ = try await up.waitFor("Nomad Zone is running", within: .seconds(120))
            try await body(up)
        } catch {
            // SIGTERM, so nomadctl stops its services and PostgreSQL too.
            _ = await process.terminate(grace: .seconds(30))
            throw error
        }
        if stopAtEnd {
            _ = await process.terminate(grace: .seconds(60))
            #expect(process.exitCode == 0, "nomadctl up: \(up.output())")
        }
    }

    /// What nomadctl printed on stdout and stderr so far.
    func output() -> String {
        [outputFile, outputFile + ".err"].map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }.joined(separator: "\n")
    }

    /// Waits until the output contains `text`; returns the whole output.
    func waitFor(_ text: String, within timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let printed = output()
            if printed.contains(text) { return printed }
            if process.hasExited { throw ChildProcessError("nomadctl up \(process.exitDescription) before \"\(text)\":\n\(printed)") }
            if ContinuousClock.now >= deadline { throw ChildProcessError("no \"\(text)\" within \(timeout):\n\(printed)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Service name to pid, from the run file `nomadctl status` reads.
    func pids() throws -> [String: Int32] {
        let data = try Data(contentsOf: URL(fileURLWithPath: runFile))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let processes = try #require(object["processes"] as? [[String: Any]])
        var pids: [String: Int32] = [:]
        for process in processes {
            if let name = process["name"] as? String, let pid = process["pid"] as? Int { pids[name] = Int32(pid) }
        }
        return pids
    }

    func isServing(_ service: String) async throws -> Bool {
        // `nomadctl health` exits 0 only when the service answers SERVING.
        let child = try ChildProcess.spawn(
            name: "nomadctl-health", executable: try builtExecutable("nomadctl"),
            arguments: ["health", "--address", "127.0.0.1:\(ports[service]!)"],
            environment: ProcessInfo.processInfo.environment, stdoutPath: "/dev/null", stderrPath: "/dev/null")
        _ = await child.waitForExit(timeout: .seconds(30))
        return child.exitCode == 0
    }
}
