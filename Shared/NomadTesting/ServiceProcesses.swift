import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NomadKit
import NomadLocal
import NomadProtos

#if canImport(Glibc)
    import Glibc
#endif

/// A service executable running as a real process for a test, on a free
/// loopback port, with a client connected to it.
public struct ServiceProcess: Sendable {
    public let name: String
    public let process: ChildProcess
    public let port: Int
    public let client: GRPCClient<HTTP2ClientTransport.Posix>
}

/// Starts `count` processes of the executable `product` (built next to the
/// test bundle by `swift build`) against one fresh schema of the test
/// database, waits until each reports SERVING, runs `body`, then stops them
/// with SIGTERM. This is how replicas run in production: separate processes
/// sharing nothing but the database. With `outputDirectory`, each process's
/// stdout and stderr (its logs) go to `<service>-<n>.out` and `.err` there.
public func withServiceProcesses<Result: Sendable>(
    _ product: String, service: String, count: Int, environment extra: [String: String] = [:],
    outputDirectory: String? = nil,
    _ body: ([ServiceProcess], _ schema: String) async throws -> Result
) async throws -> Result {
    try await withTestGate(exclusive: true) {
        try await withServiceProcessesUngated(
            product, service: service, count: count, environment: extra, outputDirectory: outputDirectory, body)
    }
}

private func withServiceProcessesUngated<Result: Sendable>(
    _ product: String, service: String, count: Int, environment extra: [String: String], outputDirectory: String?,
    _ body: ([ServiceProcess], _ schema: String) async throws -> Result
) async throws -> Result {
    let directory = URL(fileURLWithPath: testBundleExecutable()).deletingLastPathComponent()
    let executable = directory.appendingPathComponent(product).path
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw ChildProcessError("no \(product) in \(directory.path): run `swift build` before `swift test`")
    }
    let baseURL = try TestDatabase.baseURL()
    let schema = TestDatabase.freshSchema(prefix: service)
    let urls = try await TestDatabase.serviceURLs(base: baseURL, service: service, schema: schema)
    var started: [(ChildProcess, Int)] = []
    defer { for (process, _) in started where !process.hasExited { process.signal(SIGKILL) } }
    for index in 1...count {
        let port = try Loopback.portForLater()
        // Nothing of the developer's shell configures the service: a test sets
        // what it needs (an OTLP endpoint left in OTEL_* would export every test's spans).
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("NOMAD_") && !$0.key.hasPrefix("OTEL_") }
        environment["NOMAD_DATABASE_URL"] = urls.runtime
        environment["NOMAD_MIGRATION_DATABASE_URL"] = urls.migration
        environment["NOMAD_DATABASE_SCHEMA"] = schema
        environment["NOMAD_GRPC_PORT"] = String(port)
        environment["NOMAD_METRICS_PORT"] = String(try Loopback.portForLater())
        environment["NOMAD_VERIFY_KEYS"] = TestKeys.signing.verificationKey.encoded
        environment.merge(TestKeys.dataEnvironment) { _, own in own }
        environment["NOMAD_LOG_LEVEL"] = ProcessInfo.processInfo.environment["NOMAD_TEST_LOG_LEVEL"] ?? "critical"
        environment.merge(extra) { _, own in own }
        let output = outputDirectory.map { "\($0)/\(service)-\(index)" }
        let process = try ChildProcess.spawn(
            name: "\(service)-\(index)", executable: executable, arguments: [], environment: environment,
            stdoutPath: output.map { $0 + ".out" }, stderrPath: output.map { $0 + ".err" })
        started.append((process, port))
    }
    // Children report whether they are the shutdown timer (true) or a client's connections.
    return try await withThrowingTaskGroup(of: Bool.self) { group in
        var running: [ServiceProcess] = []
        for (process, port) in started {
            let client = GRPCClient(
                transport: try .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext))
            group.addTask {
                try await client.runConnections()
                return false
            }
            running.append(ServiceProcess(name: process.name, process: process, port: port, client: client))
        }
        do {
            for service in running { try await waitUntilServing(service) }
            let result = try await body(running, schema)
            await stop(running)
            // The processes are gone, so the clients' calls end by themselves;
            // connections still open after 10 s are cancelled, never awaited for good.
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return true
            }
            var open = running.count
            while open > 0, let isTimer = try await group.next() {
                if isTimer { break }
                open -= 1
            }
            group.cancelAll()
            return result
        } catch {
            await stop(running)
            group.cancelAll()
            throw error
        }
    }
}

private func stop(_ running: [ServiceProcess]) async {
    for service in running {
        service.client.beginGracefulShutdown()
        _ = await service.process.terminate(grace: .seconds(10))
    }
}

private func waitUntilServing(_ service: ServiceProcess) async throws {
    let health = Grpc_Health_V1_Health.Client(wrapping: service.client)
    let deadline = ContinuousClock.now + .seconds(60)
    while true {
        if service.process.hasExited {
            throw ChildProcessError("\(service.name) \(service.process.exitDescription) during start-up")
        }
        var options = CallOptions.defaults
        options.timeout = .seconds(2)
        if let answer = try? await health.check(.init(), options: options), answer.status == .serving { return }
        if ContinuousClock.now >= deadline { throw ChildProcessError("\(service.name) did not report SERVING") }
        try await Task.sleep(for: .milliseconds(200))
    }
}

/// The running test bundle's path (`/proc/self/exe`).
func testBundleExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// An executable `swift build` put next to the test bundle (nomadctl, a service).
public func builtExecutable(_ product: String) throws -> String {
    let directory = URL(fileURLWithPath: testBundleExecutable()).deletingLastPathComponent()
    let path = directory.appendingPathComponent(product).path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw ChildProcessError("no \(product) in \(directory.path): run `swift build` before `swift test`")
    }
    return path
}
