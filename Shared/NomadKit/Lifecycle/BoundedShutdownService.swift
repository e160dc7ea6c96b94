import Logging
import ServiceLifecycle

/// Runs another service, but gives its graceful shutdown at most `limit`:
/// past that it is cancelled and left to end on its own, and this service
/// returns. Cancelled outright (the group's drain is over), it returns at once.
///
/// A service group that overruns its cancellation limit aborts the process
/// (`Fatal error: Cancellation took longer than allowed`, exit 132), so work
/// that cancellation cannot interrupt must not be awaited past the limit:
/// - grpc-swift-nio-transport resolves a DNS name with a blocking
///   `getaddrinfo` that no cancellation reaches. When a peer container is gone
///   and the resolver's upstream does not answer, a client's connections wait
///   out the resolver's timeouts, tens of seconds (the compose smoke test saw
///   relays and pollers do this when their peers stopped at the same moment);
/// - swift-otel's span exporter flushes its last spans to a collector that may
///   be unreachable, with OTLP's 30 s export timeout and its retries.
///
/// So the base runs in a task of its own, which this service waits for only
/// while it may; the process is exiting, and what the base still holds (a
/// connection attempt, the last spans) is given up, said in a warning.
public struct BoundedShutdownService: Service {
    let base: any Service
    let name: String
    let limit: Duration
    let logger: Logger

    public init(base: any Service, name: String, limit: Duration, logger: Logger) {
        self.base = base
        self.name = name
        self.limit = limit
        self.logger = logger
    }

    private enum Outcome: Sendable {
        case ended
        case overran
    }

    public func run() async throws {
        let (ended, signalEnd) = AsyncStream<Never>.makeStream()
        let base = self.base
        // Unstructured on purpose: the point is not to await it when it overruns.
        // It inherits the task locals, so it still sees the graceful shutdown.
        let running = Task {
            defer { signalEnd.finish() }
            try await base.run()
        }
        let limit = self.limit
        let outcome = await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                for await _ in ended {}
                // The stream also ends when this wait is cancelled: no verdict then.
                return Task.isCancelled ? nil : .ended
            }
            group.addTask {
                do {
                    try await gracefulShutdown()
                    try await Task.sleep(for: limit)
                    return .overran
                } catch {
                    return nil
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .ended:
            try await running.value
        case .overran:
            running.cancel()
            logger.warning(
                "shutdown overran its limit: cancelled and not waited for",
                metadata: [
                    "component": "\(name)", "limit": "\(limit)",
                ])
        case nil:
            // The group is cancelling everything: cancel the base, do not wait for it.
            running.cancel()
        }
    }
}
