import Foundation
import NomadKit
import NomadLocal
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Facts about a live process, read from /proc (Linux).
enum ProcInfo {
    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// VmRSS of `pid` in bytes, from /proc/<pid>/status.
    static func residentBytes(of pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// The pid listening on TCP `port`, from `ss -ltnpH` (needs the right to
    /// see the other process: same user or root).
    static func listeningPID(port: Int) -> pid_t? {
        guard
            let ss = ["/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return nil }
        let output = NSTemporaryDirectory() + "nomadctl-ss-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        guard
            let child = try? ChildProcess.spawn(
                name: "ss", executable: ss, arguments: ["-ltnpH", "sport = :\(port)"],
                environment: ProcessInfo.processInfo.environment, stdoutPath: output, stderrPath: "/dev/null")
        else { return nil }
        while !child.hasExited { usleep(10_000) }
        guard let text = try? String(contentsOfFile: output, encoding: .utf8),
            let range = text.range(of: "pid=")
        else { return nil }
        let digits = text[range.upperBound...].prefix(while: \.isNumber)
        return pid_t(digits)
    }
}

/// Peak VmRSS of one process, sampled every 200 ms until cancelled.
final class MemorySampler: Sendable {
    let pid: pid_t
    private let state = Mutex<(peak: Int, samples: Int)>((0, 0))

    init(pid: pid_t) {
        self.pid = pid
    }

    var peak: Int { state.withLock { $0.peak } }
    var samples: Int { state.withLock { $0.samples } }

    func run() async {
        while !Task.isCancelled {
            if let bytes = ProcInfo.residentBytes(of: pid) {
                state.withLock { state in
                    state.peak = max(state.peak, bytes)
                    state.samples += 1
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// One process's resident memory: read once when created (idle), then its
/// peak while `sampler` runs.
struct MemoryFigure: Sendable {
    let name: String
    let idle: Int?
    let sampler: MemorySampler

    init(name: String, pid: pid_t) {
        self.name = name
        self.idle = ProcInfo.residentBytes(of: pid)
        self.sampler = MemorySampler(pid: pid)
    }
}
