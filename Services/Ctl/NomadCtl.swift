import ArgumentParser
import Foundation
import NomadKit
import NomadLocal

/// nomadctl: runs the Nomad Zone suite locally, asks services for their
/// health, and measures them. The commands live in Commands/ and Bench/.
///
/// Decisions worth knowing:
/// - The services `up` runs are the table `SuiteService.all` (Suite/); adding a
///   service is one line there. Ports default to `NomadConfig.defaultPorts`;
///   `--grpc-port NAME=PORT` / `--metrics-port NAME=PORT` override them, and a
///   port already in use is refused (a health check would otherwise report
///   somebody else's server).
/// - Children are started with posix_spawn (Support/ChildProcess.swift), not
///   Foundation's Process: SIGINT/SIGTERM reset to default, no descriptors but
///   stdio, their own process group (a terminal Ctrl-C reaches only nomadctl,
///   which stops services last-started-first with SIGTERM, up to
///   --drain-timeout seconds, then SIGKILL, and PostgreSQL after them).
/// - Secrets (token signing key, bootstrap admin password) are fresh per run;
///   with --data-dir they are kept in DIR/nomadctl-secrets.json (0600), since
///   the admin is only created once per database.
/// - --database-url hands the same URL to every service (each migrates its own
///   schema); roles and grants are then the database owner's business (Deploy/).
/// - `bench --start` uses free ports, so it runs beside an `up` on the defaults.
@main
struct NomadCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nomadctl",
        abstract: "Run, check and measure the Nomad Zone suite locally.",
        subcommands: [
            Up.self, Seed.self, Status.self, Health.self, Bench.self, BenchSuite.self, PortalBench.self, JobsBench.self, MatchBench.self,
            LedgerBench.self, AnalyticsBench.self, Load.self, EchoServer.self, Keygen.self,
        ])
}

/// Results and endpoints go to stdout (unbuffered, so they interleave with the
/// services' logs in order); progress messages go to stderr through `say`.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
