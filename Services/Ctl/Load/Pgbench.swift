import Foundation
import NomadKit
import NomadLocal

/// pgbench running the SQL of one ClaimJob (the statement the service
/// sends) against the same database: the ceiling a claim RPC is compared with.
enum Pgbench {
    static func locate() throws -> String {
        let candidates =
            (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/pgbench" }
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin/pgbench" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CtlError("pgbench not found: apt-get install postgresql-15 (or postgresql-client)")
        }
        return found
    }

    /// What ClaimJob sends: one prepared call of `claim_job` (the
    /// idempotency key, the seat under the job row's lock, the order, the
    /// outbox event and the stored result in one statement), with the same
    /// argument types. Random ids keep every transaction a first claim, as in
    /// the load run.
    static let claimScript = """
        \\set j random(1, :njobs)
        SELECT claim_job(gen_random_uuid()::text, gen_random_uuid()::text, '\\x00'::bytea, (SELECT id FROM pgbench_claim_jobs WHERE n = :j), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), now(), current_date)::text;

        """

    struct Result: Sendable {
        let transactions: Int
        let tps: Double
        let latencyMs: Double?
    }

    /// Runs `transactions` claim transactions in total from `clients`
    /// connections, on the jobs the load seeded.
    static func claims(databaseURL: String, schema: String, clients: Int, transactions: Int) throws -> Result {
        try run(
            script: claimScript, databaseURL: databaseURL, schema: schema, clients: clients, transactions: transactions,
            picks: Picks(
                table: "pgbench_claim_jobs", columns: "id, enterprise_id",
                from: "jobs WHERE status = 1 AND claimable", countVariable: "njobs", minimum: 1,
                shortage: "no open claimable jobs to run pgbench on"))
    }

    /// The rows a script picks from at random: copied into a numbered table
    /// (1...count, passed to the script as `countVariable`) before the run and
    /// dropped after it.
    struct Picks {
        let table: String
        let columns: String
        let from: String
        let countVariable: String
        let minimum: Int
        let shortage: String
    }

    /// Runs `script` `transactions` times in total from `clients` prepared
    /// connections in the service's schema, and reads pgbench's figures.
    static func run(
        script text: String, databaseURL: String, schema: String, clients: Int, transactions: Int, picks: Picks
    ) throws -> Result {
        let binary = try locate()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nomadctl-pgbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("script.sql")
        try text.write(to: script, atomically: true, encoding: .utf8)

        let setup = """
            SET search_path TO \(schema);
            DROP TABLE IF EXISTS \(picks.table);
            CREATE TABLE \(picks.table) AS SELECT row_number() OVER (ORDER BY id) AS n, \(picks.columns) FROM \(picks.from);
            CREATE UNIQUE INDEX ON \(picks.table) (n);
            SELECT count(*) FROM \(picks.table);
            """
        let count =
            Int(
                try runTool(psqlPath(next: binary), ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", setup, databaseURL])
                    .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") ?? 0
        guard count >= picks.minimum else { throw CtlError(picks.shortage) }
        let perClient = max(1, transactions / clients)
        let output = try runTool(
            binary,
            [
                "-n", "-M", "prepared", "-c", String(clients), "-j", "2", "-t", String(perClient),
                "-D", "\(picks.countVariable)=\(count)", "-f", script.path, databaseURL,
            ], environment: ["PGOPTIONS": "-c search_path=\(schema)"])
        let tps = output.split(separator: "\n").first { $0.hasPrefix("tps = ") }
            .flatMap { Double($0.dropFirst(6).split(separator: " ").first ?? "") }
        let latency = output.split(separator: "\n").first { $0.hasPrefix("latency average = ") }
            .flatMap { Double($0.dropFirst(18).split(separator: " ").first ?? "") }
        guard let tps else { throw CtlError("pgbench printed no tps:\n\(output)") }
        _ = try? runTool(psqlPath(next: binary), ["-X", "-q", "-c", "DROP TABLE IF EXISTS \(schema).\(picks.table)", databaseURL])
        return Result(transactions: perClient * clients, tps: tps, latencyMs: latency)
    }

    private static func psqlPath(next pgbench: String) -> String {
        URL(fileURLWithPath: pgbench).deletingLastPathComponent().appendingPathComponent("psql").path
    }

    /// Runs a short-lived tool to completion and returns its stdout; stderr
    /// goes to a file that is shown when the tool fails.
    private static func runTool(_ path: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let out = directory.appendingPathComponent("nomadctl-tool-\(UUID().uuidString).out").path
        let err = directory.appendingPathComponent("nomadctl-tool-\(UUID().uuidString).err").path
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { _, own in own }
        let process = try ChildProcess.spawn(
            name: URL(fileURLWithPath: path).lastPathComponent, executable: path, arguments: arguments,
            environment: environment, stdoutPath: out, stderrPath: err)
        while !process.hasExited { usleep(50_000) }
        let output = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
        guard process.exitCode == 0 else {
            let errors = String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
            throw CtlError("\(path) \(process.exitDescription): \(errors)")
        }
        return output
    }
}
