import Logging
import ServiceLifecycle

/// Runs another service, but gives its graceful shutdown at most `limit`;
/// past that it is cancelled and this service returns normally.
///
/// For swift-otel's span exporter, which the chassis stops last: its final
/// flush to an unreachable or stalled collector waits out OTLP's export
/// timeout (30 s by default) and its retries. That is longer than the drain
/// the service group allows, and a group that overruns its cancellation limit
/// aborts the process: losing the last spans is better than a process that
/// exits late or uncleanly because of them.
struct BoundedShutdownService: Service {
    let base: any Service
    let limit: Duration
    let logger: Logger

    private enum Outcome: Sendable {
        case finished
        case overran
        case noVerdict
    }

    func run() async throws {
        let base = self.base
        let limit = self.limit
        let overran = try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                try await base.run()
                return .finished
            }
            group.addTask {
                do {
                    try await gracefulShutdown()
                    try await Task.sleep(for: limit)
                    return .overran
                } catch {
                    // Cancelled (the base finished, or the whole group is being
                    // cancelled): this timer has nothing to say.
                    return .noVerdict
                }
            }
            while let outcome = try await group.next() {
                switch outcome {
                case .finished:
                    group.cancelAll()
                    return false
                case .overran:
                    group.cancelAll()
                    return true
                case .noVerdict:
                    continue
                }
            }
            return false
        }
        if overran {
            logger.warning("span exporter still flushing \(limit) into the shutdown: cancelled, its last spans are lost")
        }
    }
}
