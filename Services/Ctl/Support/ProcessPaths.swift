import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Path of the running executable (`/proc/self/exe` resolved).
func ownExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if count > 0 {
        return withoutDeletedSuffix(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}

/// Path of another process's executable, when readable.
func executablePath(of pid: pid_t) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/\(pid)/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return withoutDeletedSuffix(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
}

/// A rebuild replaces the file under a running process; the kernel then shows
/// "<path> (deleted)". The path itself holds the new build.
private func withoutDeletedSuffix(_ path: String) -> String {
    path.hasSuffix(" (deleted)") ? String(path.dropLast(" (deleted)".count)) : path
}

/// A message for the user, printed without a stack trace.
struct CtlError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Thrown when Ctrl-C or SIGTERM arrived while starting or measuring.
struct Interrupted: Error, CustomStringConvertible {
    var description: String { "interrupted" }
}
