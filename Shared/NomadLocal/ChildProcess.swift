import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, for the services `nomadctl`
/// runs, the tools it drives (h2load, pgbench), and tests that need real
/// service processes.
///
/// Not Foundation's `Process`: on Linux that keeps a socketpair to the child
/// and its `waitUntilExit()` waits for every holder of it, and a spawned child
/// would inherit the SIG_IGN dispositions nomadctl sets for SIGINT/SIGTERM.
/// Here the child gets SIGINT/SIGTERM back at their defaults, an empty signal
/// mask, stdin on /dev/null, no descriptors beyond stdio, and its own process group, so a Ctrl-C in the
/// terminal reaches only nomadctl, which then stops children in order.
/// Exit is observed by polling `waitpid(WNOHANG)`, so no thread blocks.
public final class ChildProcess: Sendable {
    public let name: String
    public let pid: pid_t
    public let executable: String
    private let waitStatus = Mutex<Int32?>(nil)

    private init(name: String, pid: pid_t, executable: String) {
        self.name = name
        self.pid = pid
        self.executable = executable
    }

    /// Starts `executable` with `arguments`. `environment` is the complete
    /// environment. stdout/stderr are inherited unless a file path is given.
    public static func spawn(
        name: String, executable: String, arguments: [String], environment: [String: String],
        stdoutPath: String? = nil, stderrPath: String? = nil
    ) throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ChildProcessError("\(name): no executable at \(executable)")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdoutPath {
            posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        if let stderrPath {
            posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        // Nothing but stdio: a pipe or socket nomadctl inherited without
        // close-on-exec must not be held open by a long-lived child.
        // (glibc >= 2.34; not exported by Swift's Glibc module, hence dlsym.)
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        }

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
        guard rc == 0 else {
            throw ChildProcessError("\(name): cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return ChildProcess(name: name, pid: pid, executable: executable)
    }

    /// The raw wait status once the child has exited (and been reaped), else nil.
    public var exitStatus: Int32? {
        waitStatus.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                status = raw
            } else if result < 0, errno == ECHILD {
                status = -1  // somebody else reaped it; treat as gone
            }
            return status
        }
    }

    public var hasExited: Bool { exitStatus != nil }

    /// 0 when the child exited with 0; the exit code, or 128 + signal.
    public var exitCode: Int32? {
        guard let raw = exitStatus else { return nil }
        if raw == -1 { return -1 }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// "exited with 0", "killed by signal 9".
    public var exitDescription: String {
        guard let raw = exitStatus else { return "still running" }
        if raw == -1 { return "gone" }
        let signal = raw & 0x7f
        return signal == 0 ? "exited with \((raw >> 8) & 0xff)" : "killed by signal \(signal)"
    }

    public func signal(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }

    /// Waits for the child to exit; false when `timeout` passed first.
    /// `abandon` is asked every poll and stops the wait early when true.
    public func waitForExit(timeout: Duration? = nil, abandon: @Sendable () -> Bool = { false }) async -> Bool {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while !hasExited {
            if let deadline, ContinuousClock.now >= deadline { return false }
            if abandon() { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// SIGTERM, up to `grace` for the child to drain, then SIGKILL.
    /// Returns how it ended.
    @discardableResult
    public func terminate(grace: Duration = .seconds(20)) async -> String {
        if hasExited { return exitDescription }
        signal(SIGTERM)
        if await waitForExit(timeout: grace) { return exitDescription }
        signal(SIGKILL)
        _ = await waitForExit(timeout: .seconds(5))
        return exitDescription + " (SIGKILL after \(grace))"
    }
}

/// Why a child could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
