import Foundation

/// What `nomadctl up` leaves for `nomadctl status` while it runs: each
/// process's name, pid and addresses. Written when every service is SERVING,
/// removed on a clean stop; a stale file (its `up` gone) is recognised by
/// the pid of `up` itself.
struct RunFile: Codable {
    struct Process: Codable {
        var name: String
        var service: String
        var pid: Int32
        var grpc: String
        var metricsURL: String
        /// The portal's web address; nil for a gRPC service.
        var web: String? = nil
    }

    var upPid: Int32
    var startedAt: Date
    var processes: [Process]

    /// One per user: `status` finds it without flags. `--run-file` overrides.
    static var defaultPath: String {
        let directory = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"] ?? NSTemporaryDirectory()
        return URL(fileURLWithPath: directory).appendingPathComponent("nomadctl-\(getuid())-suite.json").path
    }

    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        guard FileManager.default.createFile(atPath: path, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600])
        else { throw CtlError("cannot write \(path)") }
    }

    static func load(from path: String) throws -> RunFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CtlError("no suite is running (no \(path)); start one with `nomadctl up`")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(RunFile.self, from: data) } catch {
            throw CtlError("cannot read \(path): \(error)")
        }
    }
}
