/// Polls `condition` every `interval` until it holds, at most `cap` times.
/// Relays, health checks and restarts happen in the background; the cap only
/// ends a test that would otherwise hang, nothing is timed.
public func eventually(
    cap: Int = 600, every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws -> Bool {
    for _ in 0..<cap {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return false
}

/// Runs `count` operations, `width` at a time.
public func inParallel(
    _ count: Int, width: Int = 16, _ operation: @escaping @Sendable (Int) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        while next < min(width, count) {
            let index = next
            group.addTask { try await operation(index) }
            next += 1
        }
        while try await group.next() != nil {
            if next < count {
                let index = next
                group.addTask { try await operation(index) }
                next += 1
            }
        }
    }
}
