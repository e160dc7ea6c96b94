import Foundation
import NomadKit
import NomadLocal

/// Drives Debian's h2load (nghttp2-client) at one gRPC unary method and reads
/// what it printed and logged.
struct H2Load: Sendable {
    let executable: String

    static func locate() throws -> H2Load {
        guard
            let path = ["/usr/bin/h2load", "/usr/local/bin/h2load"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw CtlError("h2load not found: install it with `apt-get install nghttp2-client`") }
        return H2Load(executable: path)
    }

    struct Load: Sendable {
        var requests: Int
        var connections: Int
        var streams: Int
    }

    struct Result: Sendable {
        var requests = 0
        var succeeded = 0
        var failed = 0
        var errored = 0
        var status2xx = 0
        var seconds = 0.0
        var requestsPerSecond = 0.0
        /// h2load's "time for request" line, in microseconds.
        var minimum = 0.0, maximum = 0.0, mean = 0.0, deviation = 0.0
        /// From the per-request log, in microseconds (nil without a log).
        var p50: Double?
        var p99: Double?
        var logged = 0
        var output = ""
    }

    /// One run against `http://127.0.0.1:PORT/<path>` with `body` (a gRPC
    /// frame) as every request's body; a nil body is a plain GET of a web
    /// page over HTTP/1.1 (the portal speaks HTTP/1.1). `abandon` is polled while it runs.
    func run(
        port: Int, path: String, body: [UInt8]?, headers: [String], load: Load, perRequestLog: Bool,
        abandon: @Sendable () -> Bool
    ) async throws -> Result {
        let directory = NSTemporaryDirectory() + "nomadctl-h2load-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bodyFile = directory + "/body.bin"
        let logFile = directory + "/requests.log"
        let outputFile = directory + "/stdout.txt"
        var arguments = ["-n", String(load.requests), "-c", String(load.connections), "-m", String(load.streams)]
        if let body {
            try Data(body).write(to: URL(fileURLWithPath: bodyFile))
            arguments += ["-d", bodyFile, "-H", "content-type:application/grpc", "-H", "te:trailers"]
        } else {
            arguments.append("--h1")
        }
        for header in headers { arguments += ["-H", header] }
        if perRequestLog { arguments += ["--log-file", logFile] }
        arguments.append("http://127.0.0.1:\(port)/\(path)")

        let child = try ChildProcess.spawn(
            name: "h2load", executable: executable, arguments: arguments,
            environment: ProcessInfo.processInfo.environment, stdoutPath: outputFile, stderrPath: outputFile + ".err")
        if !(await child.waitForExit(abandon: abandon)) {
            await child.terminate(grace: .seconds(2))
            throw Interrupted()
        }
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: outputFile + ".err", encoding: .utf8)) ?? ""
        guard child.exitCode == 0 else {
            throw CtlError("h2load \(child.exitDescription):\n\(output)\(errors)")
        }
        var result = try Self.parse(output)
        if perRequestLog {
            let latencies = Self.latencies(fromLog: logFile)
            result.logged = latencies.count
            result.p50 = percentile(latencies, 0.50)
            result.p99 = percentile(latencies, 0.99)
        }
        return result
    }

    // MARK: - Reading h2load's output

    /// Reads "finished in", "requests:", "status codes:" and "time for request:".
    static func parse(_ output: String) throws -> Result {
        var result = Result()
        result.output = output
        var sawFinished = false
        for rawLine in output.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("finished in ") {
                // finished in 3.45s, 28985.51 req/s, 1.05MB/s
                let fields = line.dropFirst("finished in ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if let first = fields.first { result.seconds = (duration(first) ?? 0) / 1_000_000 }
                if fields.count > 1, let rate = Double(fields[1].split(separator: " ").first ?? "") {
                    result.requestsPerSecond = rate
                }
                sawFinished = true
            } else if line.hasPrefix("requests:") {
                // requests: 100 total, 100 started, 100 done, 100 succeeded, 0 failed, 0 errored, 0 timeout
                let counts = labelledCounts(line.dropFirst("requests:".count))
                result.requests = counts["total"] ?? 0
                result.succeeded = counts["succeeded"] ?? 0
                result.failed = counts["failed"] ?? 0
                result.errored = counts["errored"] ?? 0
            } else if line.hasPrefix("status codes:") {
                result.status2xx = labelledCounts(line.dropFirst("status codes:".count))["2xx"] ?? 0
            } else if line.hasPrefix("time for request:") {
                // time for request:      367us     45.94ms     17.63ms      4.06ms    69.13%
                let values = line.dropFirst("time for request:".count).split(separator: " ").compactMap { duration(String($0)) }
                if values.count >= 4 {
                    (result.minimum, result.maximum, result.mean, result.deviation) = (values[0], values[1], values[2], values[3])
                }
            }
        }
        guard sawFinished else { throw CtlError("h2load printed no result:\n\(output)") }
        return result
    }

    /// "367us", "45.94ms", "1.2s" in microseconds.
    static func duration(_ text: String) -> Double? {
        for (unit, scale) in [("us", 1.0), ("ms", 1000.0), ("s", 1_000_000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }

    /// "100 total, 5 failed" -> ["total": 100, "failed": 5]
    static func labelledCounts(_ text: Substring) -> [String: Int] {
        var counts: [String: Int] = [:]
        for part in text.split(separator: ",") {
            let words = part.split(separator: " ")
            if words.count >= 2, let value = Int(words[0]) { counts[String(words[1])] = value }
        }
        return counts
    }

    /// h2load's --log-file: one line per request, tab-separated: start time
    /// (µs since the epoch), HTTP status, µs until the response ended.
    /// Only 2xx responses count.
    static func latencies(fromLog path: String) -> [Double] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var values: [Double] = []
        values.reserveCapacity(data.count / 24)
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count >= 3, let status = Int(fields[1]), (200..<300).contains(status),
                let micros = Double(fields[2])
            else { continue }
            values.append(micros)
        }
        return values
    }
}

/// Nearest-rank percentile of `values` (need not be sorted); nil when empty.
func percentile(_ values: [Double], _ fraction: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

/// A gRPC length-prefixed message: no compression flag, 4-byte big-endian length, bytes.
func grpcFrame(_ message: [UInt8]) -> [UInt8] {
    let length = UInt32(message.count)
    return [0, UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)] + message
}
