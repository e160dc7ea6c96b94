import Foundation
import NIOCore
import NIOPosix

/// Process-wide choices made before anything else runs.
public enum NomadRuntime {
    /// `NOMAD_NIO_GLOBAL_EXECUTOR=1` runs Swift concurrency's global executor
    /// on NIO's event loops, so a handler resumed after a database reply does
    /// not hop to another thread pool. Off by default: see the README's
    /// measurement of it (`nomadctl bench-suite`'s transport passes).
    public static func prepare(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if environment["NOMAD_NIO_GLOBAL_EXECUTOR"] == "1" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
    }
}
