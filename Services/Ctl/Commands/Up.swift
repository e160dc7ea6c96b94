import ArgumentParser
import Foundation
import NomadKit
import NomadLocal

/// Flags shared by `up` and `bench --start`.
struct SuiteFlags: ParsableArguments {
    @Option(help: "Use this database (every service in its own schema) instead of starting a throwaway PostgreSQL.")
    var databaseURL: String?

    @Option(help: "Keep the throwaway PostgreSQL cluster and the suite's secrets in DIR between runs.")
    var dataDir: String?

    @Option(help: "Where the service executables are (default: next to nomadctl).")
    var binDir: String?

    @Option(help: ArgumentHelp("A service's gRPC port, as NAME=PORT (repeatable).", valueName: "name=port"))
    var grpcPort: [String] = []

    @Option(help: ArgumentHelp("A service's metrics port, as NAME=PORT (repeatable).", valueName: "name=port"))
    var metricsPort: [String] = []

    @Option(help: "Seconds a service may drain after SIGTERM before it is killed.")
    var drainTimeout: Int = 20

    @Option(help: "How many jobs processes to run, each on its own port (50052, 50062, ...); clients balance across them.")
    var jobsReplicas: Int = 1

    @Option(help: "Where to record the running processes for `nomadctl status`.")
    var runFile: String = RunFile.defaultPath

    func options() throws -> SuiteOptions {
        var options = SuiteOptions(
            databaseURL: databaseURL, dataDirectory: dataDir,
            binDirectory: binDir ?? URL(fileURLWithPath: ownExecutablePath()).deletingLastPathComponent().path)
        options.drainTimeout = .seconds(drainTimeout)
        guard (1...9).contains(jobsReplicas) else { throw ValidationError("--jobs-replicas must be between 1 and 9") }
        options.replicas["jobs"] = jobsReplicas
        for (flag, values, isGRPC) in [("--grpc-port", grpcPort, true), ("--metrics-port", metricsPort, false)] {
            for value in values {
                let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let service = SuiteService.named(parts[0]),
                    let port = Int(parts[1]), (0...65535).contains(port)
                else {
                    throw ValidationError(
                        "\(flag) expects NAME=PORT with NAME one of \(SuiteService.all.map(\.name).joined(separator: ", ")); got \(value)")
                }
                var ports = options.ports(of: service)
                if isGRPC { ports.grpc = port } else { ports.metrics = port }
                options.ports[service.name] = ports
            }
        }
        return options
    }
}

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the suite locally: a throwaway PostgreSQL and every service; Ctrl-C stops it all.",
        discussion: """
            With no flags, starts PostgreSQL in a temporary directory, creates database "nomad" with a \
            schema and role per service, generates a token signing key and a password for the first \
            admin, starts each service on its default port and waits until it reports SERVING. \
            Ctrl-C or SIGTERM stops the services (each gets SIGTERM and up to --drain-timeout \
            seconds), then PostgreSQL, and exits 0. A service that exits on its own is started again \
            after a back-off (1 s, doubling to 30 s; back to 1 s once it stayed up a minute) while the \
            others keep serving; --no-restart stops everything instead. With --data-dir the cluster \
            runs durable (fsync on); without, it is thrown away and runs with fsync off. With --seed, demo accounts and activity are \
            entered first (once per database), and the endpoints are printed after.
            """)

    @OptionGroup var suite: SuiteFlags

    @Flag(
        help:
            "Once every service is SERVING, enter a small demo zone through the public RPCs (officers, sites, nomads, enterprises, jobs, a bounty, data, a forum) and wait until analytics counts it."
    )
    var seed = false

    @Flag(
        help:
            "Stop the whole suite when any service exits, instead of restarting it with back-off (1 s, 2 s, 4 s ... 30 s). For scripted runs where a crash must fail the run."
    )
    var noRestart = false

    func run() async throws {
        let signals = SignalWatcher()
        let options = try suite.options()
        let running: LocalSuite
        do {
            running = try await LocalSuite.start(options, signals: signals, say: say)
        } catch is Interrupted {
            say("interrupted during start-up; everything stopped")
            return
        }
        if seed {
            do {
                try await DemoSeed.run(running, say: say)
            } catch {
                say("seeding the demo data failed: \(error); stopping")
                _ = await running.stop(say: say)
                throw ExitCode(1)
            }
        }
        let runFilePath = suite.runFile
        let startedAt = Date()
        func saveRunFile() {
            let runFile = RunFile(
                upPid: getpid(), startedAt: startedAt,
                processes: running.running.map {
                    .init(
                        name: $0.name, service: $0.service.name, pid: $0.process.pid, grpc: "\($0.grpcAddress)",
                        metricsURL: $0.metricsURL, web: $0.service.kind == .web ? $0.webURL : nil)
                })
            do { try runFile.save(to: runFilePath) } catch { say("warning: \(error); `nomadctl status` will not find this suite") }
        }
        // Before "is running": whoever reads that may run `nomadctl status` at once.
        saveRunFile()
        defer { try? FileManager.default.removeItem(atPath: runFilePath) }
        printEndpoints(running)

        let supervisor = Supervisor(
            suite: running, policy: RestartPolicy(restarts: !noRestart), say: say, processesChanged: saveRunFile)
        var failed = false
        switch await supervisor.watch(signals) {
        case .signal(let signal):
            say("\(SignalWatcher.name(signal)) received; stopping")
        case .exited(let dead):
            failed = true
            say("\(dead.name) \(dead.process.exitDescription) unexpectedly; stopping the rest (--no-restart)")
        }
        let clean = await running.stop(say: say)
        if failed || !clean { throw ExitCode(1) }
        say("stopped")
    }

    private func printEndpoints(_ suite: LocalSuite) {
        var lines = ["", "Nomad Zone is running. Ctrl-C stops everything.", ""]
        if let postgres = suite.postgres {
            let kind = suite.options.dataDirectory == nil ? "throwaway cluster, fsync off" : "kept cluster, durable"
            lines.append("  database    \(suite.databaseURL)  (superuser, \(kind), in \(postgres.dataDirectory))")
        } else {
            lines.append("  database    \(suite.databaseURL)  (given)")
        }
        for service in suite.running {
            let name = service.name.padding(toLength: 11, withPad: " ", startingAt: 0)
            guard let urls = service.databaseURLs else {
                lines.append("  \(name) web  \(service.webURL)   metrics \(service.metricsURL)   pid \(service.process.pid)")
                continue
            }
            lines.append("  \(name) gRPC \(service.grpcAddress)   metrics \(service.metricsURL)   pid \(service.process.pid)")
            lines.append(
                "              database \(urls.runtime)"
                    + (urls.migration.map { "   migrates as \(ServiceRoles.user(of: $0) ?? $0)" } ?? ""))
        }
        lines.append(
            "  admin       username \(suite.context.adminUsername)   password \(suite.context.adminPassword)"
                + (suite.options.dataDirectory != nil || suite.options.databaseURL != nil ? "  (set when the admin was first created)" : "")
        )
        lines.append("  verify key  NOMAD_VERIFY_KEYS=\(suite.context.signingKey.verificationKey.encoded)")
        if let identity = suite.running("identity") {
            lines.append("")
            lines.append("  check:      nomadctl health --address \(identity.grpcAddress)")
        }
        if let portal = suite.running("portal") {
            lines.append("  portal:     open \(portal.webURL) in a browser")
        }
        lines.append("")
        emit(lines.joined(separator: "\n"))
    }
}

/// Progress messages go to stderr, so stdout stays the services' logs and our results.
func say(_ message: String) {
    FileHandle.standardError.write(Data("nomadctl: \(message)\n".utf8))
}
