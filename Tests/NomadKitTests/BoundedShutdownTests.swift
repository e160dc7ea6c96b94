import Logging
@testable import NomadKit
import ServiceLifecycle
import Synchronization
import Testing

/// The span exporter's shutdown is bounded: a flush that never ends is
/// cancelled after the limit, and the process's service group still returns.
@Suite struct BoundedShutdownTests {
    /// Ignores graceful shutdown and waits (cancellably) for a minute, as a
    /// flush to a collector that never answers would.
    final class Stalling: Service {
        let cancelled = Mutex(false)
        func run() async throws {
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.withLock { $0 = true }
            }
        }
    }

    struct Prompt: Service {
        func run() async throws {
            try? await gracefulShutdown()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aStalledShutdownIsCancelledAfterTheLimit() async throws {
        let stalling = Stalling()
        let bounded = BoundedShutdownService(base: stalling, limit: .milliseconds(200), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [bounded], logger: Logger(label: "test")))
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(clock.now - started < .seconds(10))
        #expect(stalling.cancelled.withLock { $0 })
    }

    @Test(.timeLimit(.minutes(1)))
    func aPromptShutdownIsNotWaitedOn() async throws {
        let bounded = BoundedShutdownService(base: Prompt(), limit: .seconds(30), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [bounded], logger: Logger(label: "test")))
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(clock.now - started < .seconds(10))
    }
}
