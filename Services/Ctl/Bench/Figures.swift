import Foundation
import NomadLocal

/// The lines every bench ends with, one figure each (`figure NAME VALUE`),
/// which `bench-suite` collects from the benches it runs.
struct Figures {
    private(set) var values: [(name: String, value: Double)] = []

    mutating func add(_ name: String, _ value: Double?) {
        if let value, value.isFinite { values.append((name, value)) }
    }

    /// Each process's peak resident memory in MiB.
    mutating func addPeaks(_ memory: [MemoryFigure]) {
        for figure in memory {
            add("peak_rss_mib.\(figure.name)", Double(max(figure.sampler.peak, figure.idle ?? 0)) / 1_048_576)
        }
    }

    var lines: String {
        values.map { String(format: "figure %@ %.3f", $0.name as NSString, $0.value) }.joined(separator: "\n")
    }

    /// The figures in a bench's output.
    static func parse(_ output: String) -> [String: Double] {
        var found: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("figure ") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let value = Double(parts[2]) { found[String(parts[1])] = value }
        }
        return found
    }
}

/// Samples every process of a suite (peak VmRSS every 200 ms) until stopped.
final class SuiteMemory: Sendable {
    let figures: [MemoryFigure]
    private let tasks: [Task<Void, Never>]

    init(_ suite: LocalSuite) {
        figures = suite.running.map { MemoryFigure(name: $0.name, pid: $0.process.pid) }
        tasks = figures.map { figure in Task { await figure.sampler.run() } }
    }

    func stop() {
        for task in tasks { task.cancel() }
    }
}
