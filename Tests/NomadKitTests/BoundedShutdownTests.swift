import Logging
@testable import NomadKit
import ServiceLifecycle
import Synchronization
import Testing

/// A bounded shutdown never waits on its base past the limit, even when the
/// base cannot be cancelled (a DNS look-up in getaddrinfo, a last flush), so
/// the process's service group returns instead of aborting.
@Suite struct BoundedShutdownTests {
    /// Ignores graceful shutdown and cancellation alike until released, as a
    /// blocking getaddrinfo does; counts how often it was cancelled.
    final class Deaf: Service, Sendable {
        let released = AsyncStream<Never>.makeStream()
        let cancelled = Mutex(false)
        let ended = Mutex(false)

        func run() async throws {
            await withTaskCancellationHandler {
                // Not cancellable: only `release()` ends it.
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    Task {
                        for await _ in released.stream {}
                        continuation.resume()
                    }
                }
            } onCancel: {
                cancelled.withLock { $0 = true }
            }
            ended.withLock { $0 = true }
        }

        func release() { released.continuation.finish() }
    }

    struct Prompt: Service {
        func run() async throws {
            try? await gracefulShutdown()
        }
    }

    struct Failing: Service {
        struct Failure: Error {}
        func run() async throws { throw Failure() }
    }

    static func runAndShutDown(_ service: some Service) async throws {
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aShutdownThatCannotEndIsCancelledAndLeftAfterTheLimit() async throws {
        let deaf = Deaf()
        let bounded = BoundedShutdownService(base: deaf, name: "deaf", limit: .milliseconds(200), logger: Logger(label: "test"))
        try await Self.runAndShutDown(bounded)
        // The group returned while the base still runs: it was cancelled, not awaited.
        #expect(deaf.cancelled.withLock { $0 })
        #expect(!deaf.ended.withLock { $0 })
        deaf.release()
    }

    @Test(.timeLimit(.minutes(1)))
    func aGroupCancellationDoesNotWaitForTheBase() async throws {
        let deaf = Deaf()
        let bounded = BoundedShutdownService(base: deaf, name: "deaf", limit: .seconds(600), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [bounded], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(100))
        running.cancel()
        _ = try? await running.value
        #expect(deaf.cancelled.withLock { $0 })
        #expect(!deaf.ended.withLock { $0 })
        deaf.release()
    }

    @Test(.timeLimit(.minutes(1)))
    func aPromptShutdownIsNotWaitedOn() async throws {
        let bounded = BoundedShutdownService(base: Prompt(), name: "prompt", limit: .seconds(600), logger: Logger(label: "test"))
        try await Self.runAndShutDown(bounded)
    }

    @Test(.timeLimit(.minutes(1)))
    func aBaseThatFailsFailsTheService() async throws {
        let bounded = BoundedShutdownService(base: Failing(), name: "failing", limit: .seconds(600), logger: Logger(label: "test"))
        await #expect(throws: Failing.Failure.self) { try await bounded.run() }
    }
}
