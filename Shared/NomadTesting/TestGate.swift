import Foundation
import Testing

/// How much of the suite this test process runs at once. Swift Testing starts
/// every test together; when each starts a service (a schema, its migrations,
/// a pool and a server), ~370 tests on 2 cores took 40-100 s apiece and a
/// shutdown overran the chassis' cancellation limit, aborting the process.
/// Tests that start services queue here in arrival order instead.
///
/// The width is `NOMAD_TEST_PARALLEL`, by default twice the cores. An
/// in-process service takes one place; a test running real processes takes
/// the whole width, so its timings (SIGKILL mid-relay, drains, outages) are
/// not at the mercy of everything else.
actor TestGate {
    static let shared = TestGate(width: TestGate.configuredWidth())

    /// Set while a task holds places: services it starts inside share them.
    @TaskLocal static var isHolding = false

    let width: Int
    private var free: Int
    private var waiting: [(places: Int, continuation: CheckedContinuation<Void, Never>)] = []
    /// Who holds places, for the report of a wait that lasts (a holder that
    /// never leaves stalls every test queued behind it: this names it).
    private var holders: [UUID: (test: String, places: Int, since: ContinuousClock.Instant)] = [:]

    func hold(_ ticket: UUID, test: String, places: Int) {
        holders[ticket] = (test, places, .now)
    }

    func release(_ ticket: UUID) {
        holders[ticket] = nil
    }

    /// One line on stderr: who is waiting, and who holds what since when.
    func report(waiter: String, since: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        let held = holders.values.sorted { $0.since < $1.since }
            .map { "\($0.test) (\($0.places) since \(now - $0.since))" }.joined(separator: "; ")
        FileHandle.standardError.write(
            Data(
                "TestGate: \(waiter) has waited \(now - since); \(free) of \(width) free, \(waiting.count) waiting; held by: \(held.isEmpty ? "nobody" : held)\n"
                    .utf8))
    }

    init(width: Int) {
        self.width = width
        self.free = width
    }

    func enter(_ places: Int) async {
        if waiting.isEmpty && free >= places {
            free -= places
            return
        }
        await withCheckedContinuation { waiting.append((places, $0)) }
    }

    func leave(_ places: Int) {
        free += places
        // First come, first served: a test waiting for the whole width is not
        // overtaken forever by single places.
        while let next = waiting.first, next.places <= free {
            waiting.removeFirst()
            free -= next.places
            next.continuation.resume()
        }
    }

    static func configuredWidth() -> Int {
        if let text = ProcessInfo.processInfo.environment["NOMAD_TEST_PARALLEL"], let width = Int(text), width > 0 {
            return width
        }
        return max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
    }
}

/// Runs `body` holding one place of the test gate, or all of them when
/// `exclusive`; nested calls share the places their caller holds.
public func withTestGate<Result: Sendable>(
    exclusive: Bool = false, _ body: () async throws -> Result
) async throws -> Result {
    if TestGate.isHolding { return try await body() }
    let gate = TestGate.shared
    let places = exclusive ? gate.width : 1
    let test = Test.current.map { "\($0.name) (\($0.sourceLocation.fileName))" } ?? "a test"
    let ticket = UUID()
    // A wait of over ten minutes (a whole run here takes about six) is reported
    // every ten: a suite that stalls says which test holds the gate.
    let asked = ContinuousClock.now
    let reporter = Task {
        while (try? await Task.sleep(for: .seconds(600))) != nil {
            await gate.report(waiter: test, since: asked)
        }
    }
    await gate.enter(places)
    reporter.cancel()
    await gate.hold(ticket, test: test, places: places)
    do {
        let result = try await TestGate.$isHolding.withValue(true) { try await body() }
        await gate.release(ticket)
        await gate.leave(places)
        return result
    } catch {
        await gate.release(ticket)
        await gate.leave(places)
        throw error
    }
}
