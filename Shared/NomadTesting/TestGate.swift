import Foundation

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
    await gate.enter(places)
    do {
        let result = try await TestGate.$isHolding.withValue(true) { try await body() }
        await gate.leave(places)
        return result
    } catch {
        await gate.leave(places)
        throw error
    }
}
