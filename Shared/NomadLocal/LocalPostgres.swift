import Foundation
import NomadKit

/// A throwaway PostgreSQL cluster on the loopback interface, for tests and `nomadctl up`.
///
/// `start()` runs `initdb` into `<base>/data` (skipped when that directory already holds a
/// cluster, so a caller-provided base directory can be reused between dev runs), writes a
/// `nomad.conf` with a loopback-only configuration (durable or not, `Options.durable`) and
/// starts the server with `pg_ctl`. PostgreSQL refuses to run as root, so when the current process is root every
/// PostgreSQL binary is run as the `postgres` OS user through `runuser`, and the directories
/// the server writes to are chowned to that user.
///
/// The cluster is not stopped on `deinit`: call `stop()`, or rely on the watchdog started when
/// `Options.stopWhenProcessExits` is set (the test runner has no global teardown).
public final class LocalPostgres: Sendable {
    public struct Options: Sendable {
        /// TCP port on 127.0.0.1; 0 picks a free one (and retries if it is taken meanwhile).
        public var port: Int
        /// Directory holding `data/`, `socket/` and `postgres.log`; nil creates a temp dir that
        /// `stop()` removes again. A given directory is created if missing and never removed.
        public var baseDirectory: String?
        /// Superuser created by initdb; authentication is `trust`.
        public var superuser: String
        /// Start a detached watchdog that stops the cluster (and removes a temp base directory)
        /// once the current process has exited without calling `stop()`.
        public var stopWhenProcessExits: Bool
        /// fsync, synchronous_commit and full_page_writes on: what is committed survives a
        /// crash of the machine. Off (the default) they trade that for speed, which suits a
        /// cluster thrown away after the run. Written on every start, so a kept data
        /// directory created with the fast settings turns durable when started durable.
        public var durable: Bool

        public init(
            port: Int = 0,
            baseDirectory: String? = nil,
            superuser: String = "nomad",
            stopWhenProcessExits: Bool = true,
            durable: Bool = false
        ) {
            self.port = port
            self.baseDirectory = baseDirectory
            self.superuser = superuser
            self.stopWhenProcessExits = stopWhenProcessExits
            self.durable = durable
        }
    }

    public let port: Int
    public let host: String
    public let superuser: String
    public let dataDirectory: String
    public let socketDirectory: String

    private let baseDirectory: String
    private let removeBaseOnStop: Bool
    /// A socket directory outside the base directory (only when the base path is too long
    /// for a unix socket path); always removed on stop.
    private let externalSocketDirectory: String?
    private let sentinel: String
    private let logFile: String
    private let tools: Tools
    private let lock = NSLock()
    private nonisolated(unsafe) var stopped = false

    private init(
        port: Int, superuser: String, layout: Layout, removeBaseOnStop: Bool, tools: Tools
    ) {
        self.port = port
        self.host = "127.0.0.1"
        self.superuser = superuser
        self.dataDirectory = layout.data
        self.socketDirectory = layout.socket
        self.baseDirectory = layout.base
        self.removeBaseOnStop = removeBaseOnStop
        self.externalSocketDirectory = layout.externalSocket
        self.sentinel = layout.sentinel
        self.logFile = layout.log
        self.tools = tools
    }

    // MARK: - Start

    public static func start(_ options: Options = .init()) throws -> LocalPostgres {
        let tools = try Tools.locate()
        let createdBase = options.baseDirectory == nil
        let base: String
        if let given = options.baseDirectory {
            base = URL(fileURLWithPath: given).standardizedFileURL.path
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        } else {
            base = try makeTempDirectory(prefix: "nomad-pg-")
        }
        var layout = Layout(base: base)
        var succeeded = false
        var serverMayRun = false
        defer {
            if !succeeded {
                if serverMayRun {
                    _ = try? tools.run(tools.pgCtl, ["stop", "-D", layout.data, "-m", "immediate", "-w", "-t", "10"], cwd: base)
                }
                disarmWatchdog(sentinel: layout.sentinel)
                if let external = layout.externalSocket { try? FileManager.default.removeItem(atPath: external) }
                if createdBase { try? FileManager.default.removeItem(atPath: base) }
            }
        }

        let fm = FileManager.default
        // Unix socket paths are limited to ~107 bytes; fall back to a short temp dir.
        if layout.socket.utf8.count + "/.s.PGSQL.65535".utf8.count > 100 {
            let short = try makeTempDirectory(prefix: "nomad-pgs-")
            layout.externalSocket = short
            layout.socket = short
        }
        try fm.createDirectory(atPath: layout.data, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: layout.socket, withIntermediateDirectories: true)
        if !fm.fileExists(atPath: layout.log) {
            _ = fm.createFile(atPath: layout.log, contents: nil)
        }
        if tools.asPostgres {
            for path in [base, layout.data, layout.socket, layout.log] {
                try tools.chownToPostgres(path)
            }
        }

        if !fm.fileExists(atPath: layout.data + "/PG_VERSION") {
            try initdb(tools: tools, layout: layout, superuser: options.superuser)
        }
        let confFile = layout.data + "/postgresql.conf"
        let include = "include_if_exists = 'nomad.conf'"
        let conf = (try? String(contentsOfFile: confFile, encoding: .utf8)) ?? ""
        if !conf.contains(include) {
            try (conf + "\n# Settings written by LocalPostgres on every start\n\(include)\n")
                .write(toFile: confFile, atomically: false, encoding: .utf8)
        }

        // A reused base directory may still have a live server (say, from a crashed run with
        // stopWhenProcessExits off). Refuse rather than stop somebody else's server on failure.
        if fm.fileExists(atPath: layout.data + "/postmaster.pid"),
            try tools.run(tools.pgCtl, ["status", "-D", layout.data], cwd: base).status == 0
        {
            throw LocalPostgresError(
                "a server is already running on \(layout.data); stop it with: pg_ctl stop -D \(layout.data)")
        }

        // A cluster that last ran with fsync off may hold files the kernel never
        // wrote out; PostgreSQL syncs its files only after a crash, so make the
        // durable start begin from a data directory that is on disk.
        if options.durable,
            let previous = try? String(contentsOfFile: layout.data + "/nomad.conf", encoding: .utf8),
            previous.contains("fsync = off")
        {
            let result = try tools.run(tools.initdb, ["--sync-only", "-D", layout.data], cwd: base)
            guard result.status == 0 else {
                throw LocalPostgresError("initdb --sync-only failed (exit \(result.status)): \(result.combined)")
            }
        }

        if options.stopWhenProcessExits {
            _ = fm.createFile(atPath: layout.sentinel, contents: Data("\(getpid())\n".utf8))
            try startWatchdog(tools: tools, layout: layout, removeBase: createdBase)
        }

        let deadline = Date().addingTimeInterval(30)
        var port = options.port
        var attempt = 0
        while true {
            attempt += 1
            if options.port == 0 { port = try Loopback.freePort() }
            try nomadConf(port: port, socket: layout.socket, durable: options.durable)
                .write(toFile: layout.data + "/nomad.conf", atomically: false, encoding: .utf8)
            if tools.asPostgres { try tools.chownToPostgres(layout.data + "/nomad.conf") }
            let logOffset = fileSize(layout.log)
            serverMayRun = true
            let seconds = max(1, Int(deadline.timeIntervalSinceNow.rounded(.up)))
            let result = try tools.run(
                tools.pgCtl,
                ["start", "-D", layout.data, "-l", layout.log, "-w", "-t", String(seconds)],
                cwd: base, daemonizes: true
            )
            if result.status == 0 { break }
            let newLog = logText(layout.log, from: logOffset)
            if options.port == 0, attempt < 5, newLog.contains("could not bind") || newLog.contains("already in use") {
                continue  // somebody grabbed the port between probe and bind
            }
            throw LocalPostgresError(
                "pg_ctl start failed (exit \(result.status)): \(result.combined)\n--- \(layout.log) (tail) ---\n\(logTail(layout.log))"
            )
        }

        let cluster = LocalPostgres(
            port: port, superuser: options.superuser, layout: layout,
            removeBaseOnStop: createdBase, tools: tools
        )
        // pg_ctl -w already waited for "ready"; confirm over TCP the way clients will connect.
        var lastError = ""
        while true {
            do {
                _ = try cluster.psql("SELECT 1")
                break
            } catch {
                lastError = "\(error)"
            }
            if Date() > deadline {
                throw LocalPostgresError(
                    "PostgreSQL on 127.0.0.1:\(port) did not accept connections within 30 s: \(lastError)\n--- \(layout.log) (tail) ---\n\(logTail(layout.log))"
                )
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        succeeded = true
        return cluster
    }

    // MARK: - Use

    /// `postgres://user[:password]@127.0.0.1:port/database`; `user` defaults to the superuser.
    public func url(database: String = "postgres", user: String? = nil, password: String? = nil) -> String {
        let userPart = (user ?? superuser).addingPercentEncoding(withAllowedCharacters: Self.urlComponentAllowed) ?? ""
        var credentials = userPart
        if let password {
            credentials += ":" + (password.addingPercentEncoding(withAllowedCharacters: Self.urlComponentAllowed) ?? "")
        }
        let db = database.addingPercentEncoding(withAllowedCharacters: Self.urlComponentAllowed) ?? database
        return "postgres://\(credentials)@\(host):\(port)/\(db)"
    }

    /// Runs `sql` with psql (`-X -q -v ON_ERROR_STOP=1 -At`) as the superuser over TCP and
    /// returns its output without the trailing newline; throws with psql's stderr on failure.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try psql(sql, database: database, user: superuser)
    }

    /// Creates `name` unless it exists already.
    public func createDatabase(_ name: String) throws {
        let exists = try psql("SELECT 1 FROM pg_database WHERE datname = \(ServiceRoles.literal(name))")
        guard exists.isEmpty else { return }
        do {
            try psql("CREATE DATABASE \(ServiceRoles.identifier(name))")
        } catch let error as LocalPostgresError where error.message.contains("already exists") {
            return  // created concurrently
        }
    }

    /// Gives a service its owner and runtime roles and its schema in `database`
    /// (idempotent; see `ServiceRoles`). Passwords nil: none (trust auth).
    public func bootstrap(
        _ roles: ServiceRoles, database: String, ownerPassword: String? = nil, runtimePassword: String? = nil
    ) throws {
        let lock = ServiceRoles.bootstrapLockKey
        let statements = roles.bootstrapStatements(
            database: database, ownerPassword: ownerPassword, runtimePassword: runtimePassword)
        try psql(
            (["SELECT pg_advisory_lock(\(lock))", Self.noCreateOnPublic] + statements + ["SELECT pg_advisory_unlock(\(lock))"])
                .joined(separator: ";\n") + ";\n",
            database: database)
    }

    /// PostgreSQL 15 creates databases this way already; older clusters did not.
    private static let noCreateOnPublic = """
        DO $nomad$
        BEGIN
          IF EXISTS (SELECT FROM pg_namespace WHERE nspname = 'public') THEN
            REVOKE CREATE ON SCHEMA public FROM PUBLIC;
          END IF;
        END
        $nomad$
        """

    // MARK: - Stop

    /// `pg_ctl stop -m fast`, then removes the base directory if `start` created it. Idempotent.
    public func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        let fm = FileManager.default
        Self.disarmWatchdog(sentinel: sentinel)
        if fm.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            let result = try? tools.run(
                tools.pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "30"], cwd: baseDirectory)
            if result?.status != 0 {
                _ = try? tools.run(
                    tools.pgCtl, ["stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "10"], cwd: baseDirectory)
            }
        }
        if let externalSocketDirectory { try? fm.removeItem(atPath: externalSocketDirectory) }
        if removeBaseOnStop { try? fm.removeItem(atPath: baseDirectory) }
    }

    // MARK: - Internals

    private func psql(_ sql: String, database: String, user: String) throws -> String {
        let script = try Self.makeTempFile(prefix: "nomad-psql-", contents: Data(sql.utf8))
        defer { try? FileManager.default.removeItem(atPath: script) }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        env["PGCONNECT_TIMEOUT"] = "10"
        env["PGAPPNAME"] = "LocalPostgres"
        let result = try tools.run(
            tools.psql,
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At",
                "-h", host, "-p", String(port), "-U", user, "-d", database, "-f", script,
            ],
            asPostgres: false, cwd: nil, environment: env
        )
        guard result.status == 0 else {
            throw LocalPostgresError(
                "psql failed (exit \(result.status)) on database \(database): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        var out = result.stdout
        while out.hasSuffix("\n") { out.removeLast() }
        return out
    }

    /// RFC 3986 unreserved characters (ASCII only); everything else is percent-encoded.
    private static let urlComponentAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func initdb(tools: Tools, layout: Layout, superuser: String) throws {
        #if os(Linux)
            let locales = ["C.UTF-8", "C"]
        #else
            let locales = ["C"]
        #endif
        var failures: [String] = []
        for locale in locales {
            let result = try tools.run(
                tools.initdb,
                ["-D", layout.data, "-A", "trust", "-U", superuser, "-E", "UTF8", "--locale=\(locale)", "--no-instructions"],
                cwd: layout.base
            )
            if result.status == 0 { return }
            failures.append("--locale=\(locale): exit \(result.status): \(result.combined)")
            // initdb removes what it created, but make sure a retry starts from an empty dir.
            if FileManager.default.fileExists(atPath: layout.data + "/PG_VERSION") { break }
        }
        throw LocalPostgresError("initdb failed: \(failures.joined(separator: "\n"))")
    }

    // max_connections: a test run shares one cluster among every suite running
    // at once, each with its own service pool (and replica processes); 300 ran
    // out once assets and events joined, and the services answered UNAVAILABLE.
    // log_error_verbosity terse: an error's DETAIL quotes the row's values (a
    // unique violation printed a passport number), and this log is plain text.
    private static func nomadConf(port: Int, socket: String, durable: Bool) -> String {
        let durability = durable ? "on" : "off"
        return """
            port = \(port)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = \(ServiceRoles.literal(socket))
            max_connections = 1000
            fsync = \(durability)
            synchronous_commit = \(durability)
            full_page_writes = \(durability)
            log_line_prefix = '%m [%p] %q%u@%d '
            log_error_verbosity = terse

            """
    }

    /// `/bin/sh` loop in its own session with stdio on /dev/null (so it never holds the test
    /// runner's pipes open). It exits quietly once the sentinel file is gone (`stop()` was
    /// called); if the watched process disappears first it stops the cluster and cleans up.
    private static func startWatchdog(tools: Tools, layout: Layout, removeBase: Bool) throws {
        let script = """
            pid=$1 sentinel=$2 data=$3 base=$4 sock=$5 pgctl=$6 runuser=$7
            echo $$ > "$sentinel.pid"
            while kill -0 "$pid" 2>/dev/null && [ -e "$sentinel" ]; do sleep 1; done
            [ -e "$sentinel" ] || exit 0
            if [ -n "$runuser" ]; then
              "$runuser" -u postgres -- "$pgctl" stop -D "$data" -m immediate -w -t 10
            else
              "$pgctl" stop -D "$data" -m immediate -w -t 10
            fi
            rm -f "$sentinel" "$sentinel.pid"
            [ -z "$sock" ] || rm -rf "$sock"
            [ -z "$base" ] || rm -rf "$base"
            """
        let shArgs = [
            "-c", script, "nomad-pg-watchdog",
            String(getpid()), layout.sentinel, layout.data,
            removeBase ? layout.base : "", layout.externalSocket ?? "",
            tools.pgCtl, tools.runuser ?? "",
        ]
        // The direct child only forks the watchdog off and exits, so it is reaped right here and
        // the watchdog is re-parented to init. See `closingInheritedDescriptors` for the wrapper.
        let launch: [String]
        if let setsid = Tools.which("setsid") {
            launch = [setsid, "--fork", "/bin/sh"] + shArgs
        } else {
            launch =
                ["/bin/sh", "-c", #"trap '' HUP INT; /bin/sh "$@" </dev/null >/dev/null 2>&1 &"#, "nomad-pg-launcher", "/bin/sh"] + shArgs
        }
        let process = Process()
        let command = Tools.closingInheritedDescriptors(launch)
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        guard let devNullIn = FileHandle(forReadingAtPath: "/dev/null"),
            let devNullOut = FileHandle(forWritingAtPath: "/dev/null")
        else {
            throw LocalPostgresError("cannot open /dev/null")
        }
        defer { try? devNullIn.close(); try? devNullOut.close() }
        process.standardInput = devNullIn
        process.standardOutput = devNullOut
        process.standardError = devNullOut
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LocalPostgresError("could not start the watchdog (exit \(process.terminationStatus))")
        }
    }

    /// Removes the sentinel (the watchdog then exits within a second) and, on Linux, also
    /// terminates the watchdog right away so no process mentioning the data directory is left.
    private static func disarmWatchdog(sentinel: String) {
        let pidFile = sentinel + ".pid"
        let text = (try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: sentinel)
        try? FileManager.default.removeItem(atPath: pidFile)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
            let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
            String(decoding: cmdline, as: UTF8.self).contains("nomad-pg-watchdog")
        else { return }
        kill(pid, SIGTERM)
    }

    private static func makeTempDirectory(prefix: String) throws -> String {
        let template = tempRoot() + "/" + prefix + "XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else {
            throw LocalPostgresError("mkdtemp(\(template)) failed: errno \(errno)")
        }
        let path = cString(bytes)
        // Let the postgres user traverse it when we are root.
        chmod(path, 0o755)
        return path
    }

    fileprivate static func makeTempFile(prefix: String, contents: Data) throws -> String {
        var bytes = Array((tempRoot() + "/" + prefix + "XXXXXX").utf8CString)
        let fd = mkstemp(&bytes)
        guard fd >= 0 else { throw LocalPostgresError("mkstemp failed: errno \(errno)") }
        close(fd)
        let path = cString(bytes)
        try contents.write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func cString(_ bytes: [CChar]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func tempRoot() -> String {
        var root = NSTemporaryDirectory()
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        return root
    }

    private static func fileSize(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    private static func logText(_ path: String, from offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func logTail(_ path: String, lines: Int = 40) -> String {
        let text = logText(path, from: 0)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

public struct LocalPostgresError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "LocalPostgres: \(message)" }
}

// MARK: - Paths and processes

private struct Layout {
    var base: String
    var data: String
    var socket: String
    var log: String
    var sentinel: String
    var externalSocket: String?

    init(base: String) {
        self.base = base
        data = base + "/data"
        socket = base + "/socket"
        log = base + "/postgres.log"
        sentinel = base + "/watchdog.armed"
    }
}

private struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var combined: String { (stdout + stderr).trimmingCharacters(in: .whitespacesAndNewlines) }
}

private struct Tools: Sendable {
    let initdb: String
    let pgCtl: String
    let psql: String
    /// Set when we are root: PostgreSQL binaries then run as the `postgres` OS user.
    let runuser: String?
    let postgresUID: uid_t
    let postgresGID: gid_t
    var asPostgres: Bool { runuser != nil }

    static func locate() throws -> Tools {
        let env = ProcessInfo.processInfo.environment
        // Search order: $NOMAD_PG_BIN, PATH, then Debian's /usr/lib/postgresql/<newest>/bin.
        var dirs: [String] = []
        if let custom = env["NOMAD_PG_BIN"], !custom.isEmpty { dirs.append(custom) }
        var fallbacks: [String] = []
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
                fallbacks.append("/usr/lib/postgresql/\(version)/bin")
            }
        }
        func find(_ name: String) -> String? {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
                return dir + "/" + name
            }
            return which(name)
                ?? fallbacks.lazy.map { $0 + "/" + name }
                .first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let initdb = find("initdb"), let pgCtl = find("pg_ctl") else {
            throw LocalPostgresError("initdb/pg_ctl not found (PATH, $NOMAD_PG_BIN, /usr/lib/postgresql/*/bin); install PostgreSQL 15")
        }
        // Prefer the psql next to pg_ctl (Debian's /usr/bin/psql is a version-picking wrapper).
        let binDir = URL(fileURLWithPath: pgCtl).resolvingSymlinksInPath().deletingLastPathComponent().path
        let psql = FileManager.default.isExecutableFile(atPath: binDir + "/psql") ? binDir + "/psql" : find("psql")
        guard let psql else { throw LocalPostgresError("psql not found") }

        guard geteuid() == 0 else {
            return Tools(initdb: initdb, pgCtl: pgCtl, psql: psql, runuser: nil, postgresUID: 0, postgresGID: 0)
        }
        guard
            let runuser = which("runuser")
                ?? ["/usr/sbin/runuser", "/sbin/runuser"]
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw LocalPostgresError("running as root but runuser(1) is missing; PostgreSQL refuses to run as root")
        }
        guard let entry = getpwnam("postgres") else {
            throw LocalPostgresError("running as root but there is no 'postgres' OS user to run PostgreSQL as")
        }
        return Tools(
            initdb: initdb, pgCtl: pgCtl, psql: psql, runuser: runuser,
            postgresUID: entry.pointee.pw_uid, postgresGID: entry.pointee.pw_gid
        )
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        for dir in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    func chownToPostgres(_ path: String) throws {
        guard chown(path, postgresUID, postgresGID) == 0 else {
            throw LocalPostgresError("chown postgres \(path) failed: errno \(errno)")
        }
    }

    /// Runs a PostgreSQL server binary, as the `postgres` user when we are root.
    /// `daemonizes`: the command leaves a process behind (`pg_ctl start`), see below.
    func run(_ executable: String, _ arguments: [String], cwd: String, daemonizes: Bool = false) throws -> CommandResult {
        try run(executable, arguments, asPostgres: asPostgres, cwd: cwd, environment: nil, daemonizes: daemonizes)
    }

    /// On Linux, Foundation's `Process` hands every child one end of a socketpair and treats
    /// the child as finished only when *all* holders of that socket have exited; a daemon
    /// started by the child (postmaster, watchdog) inherits it, so `waitUntilExit()` would
    /// block until the daemon dies. This wrapper closes every descriptor above 2 and execs the
    /// command. (bash rather than sh: dash only accepts single-digit descriptors.)
    static func closingInheritedDescriptors(_ command: [String]) -> [String] {
        let shell = FileManager.default.isExecutableFile(atPath: "/bin/bash") ? "/bin/bash" : "/bin/sh"
        let script =
            #"for fd in /dev/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null; fi; done; exec "$@""#
        return [shell, "-c", script, "nomad-pg-exec"] + command
    }

    /// Output goes to temp files rather than pipes: nothing can block on a full pipe, and a
    /// daemon that inherits the descriptors (postgres via pg_ctl) cannot stall our reads.
    func run(
        _ executable: String, _ arguments: [String], asPostgres: Bool, cwd: String?,
        environment: [String: String]?, daemonizes: Bool = false
    ) throws -> CommandResult {
        var command = [executable] + arguments
        if asPostgres, let runuser { command = [runuser, "-u", "postgres", "--"] + command }
        if daemonizes { command = Self.closingInheritedDescriptors(command) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        if let environment { process.environment = environment }
        let outPath = try LocalPostgres.makeTempFile(prefix: "nomad-pg-out-", contents: Data())
        let errPath = try LocalPostgres.makeTempFile(prefix: "nomad-pg-err-", contents: Data())
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        guard let out = FileHandle(forWritingAtPath: outPath),
            let err = FileHandle(forWritingAtPath: errPath),
            let input = FileHandle(forReadingAtPath: "/dev/null")
        else {
            throw LocalPostgresError("cannot open output files for \(executable)")
        }
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            try? out.close(); try? err.close(); try? input.close()
            throw LocalPostgresError("cannot run \(executable): \(error)")
        }
        process.waitUntilExit()
        try? out.close(); try? err.close(); try? input.close()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
