import ArgumentParser
import Foundation
import GRPCCore

/// The running suite at a glance: for each process its address, health, pid,
/// resident memory and calls served (from its /metrics, health checks not counted).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each service of the running `nomadctl up`: address, health, pid, resident memory, calls served.")

    @Option(help: "The run file `nomadctl up` wrote.")
    var runFile: String = RunFile.defaultPath

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Row: Codable {
        var name: String
        var address: String
        var health: String
        var pid: Int32
        var residentBytes: Int?
        var callsServed: Int?
    }

    func run() async throws {
        let file = try RunFile.load(from: runFile)
        guard ProcInfo.isAlive(file.upPid) else {
            throw CtlError("the suite in \(runFile) is not running (nomadctl up, pid \(file.upPid), is gone)")
        }
        var rows: [Row] = []
        for process in file.processes {
            if let web = process.web {
                // The portal: ready when its /healthz answers 200 (every service it calls SERVING).
                rows.append(
                    Row(
                        name: process.name, address: web,
                        health: await LoopbackHTTP.get(web + "healthz") == nil ? "NOT_SERVING" : "SERVING",
                        pid: process.pid, residentBytes: ProcInfo.residentBytes(of: process.pid), callsServed: nil))
                continue
            }
            let address = try HostPort(parsing: process.grpc)
            let health: String
            do {
                health = HealthProbe.name(try await HealthProbe.check(address, timeout: .seconds(2)))
            } catch let error as RPCError {
                health = "\(error.code)"
            }
            rows.append(
                Row(
                    name: process.name, address: process.grpc, health: health, pid: process.pid,
                    residentBytes: ProcInfo.residentBytes(of: process.pid), callsServed: await Self.callsServed(process.metricsURL)))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            emit(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else {
            emit(Self.table(rows))
        }
        if rows.contains(where: { $0.health != "SERVING" }) { throw ExitCode(1) }
    }

    static func table(_ rows: [Row]) -> String {
        func megabytes(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "-" }
        var lines = [["service", "address", "health", "pid", "resident", "calls"]]
        for row in rows {
            lines.append([
                row.name, row.address, row.health, "\(row.pid)", megabytes(row.residentBytes), row.callsServed.map(String.init) ?? "-",
            ])
        }
        lines.append([
            "total", "", "", "", megabytes(rows.compactMap(\.residentBytes).reduce(0, +)), "\(rows.compactMap(\.callsServed).reduce(0, +))",
        ])
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// The sum of grpc_server_handled_total over every method but health's.
    static func callsServed(_ metricsURL: String) async -> Int? {
        guard let data = await LoopbackHTTP.get(metricsURL) else { return nil }
        var total = 0.0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("grpc_server_handled_total{") && !line.contains("grpc.health.v1") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total += value }
        }
        return Int(total)
    }
}
