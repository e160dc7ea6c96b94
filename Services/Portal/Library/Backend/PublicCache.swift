import Foundation

/// Public pages' gRPC answers, reused for a few seconds so a crowd of
/// visitors makes one call per key and interval, not one each. Concurrent
/// misses of one key share a single call. Failures are not kept.
public actor PublicCache {
    private struct Entry {
        let expires: ContinuousClock.Instant
        let task: Task<any Sendable, any Error>
    }

    private var entries: [String: Entry] = [:]
    private let ttl: Duration
    private let capacity: Int

    public init(ttl: Duration, capacity: Int = 512) {
        self.ttl = ttl
        self.capacity = capacity
    }

    public func value<Value: Sendable>(_ key: String, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        if let entry = entries[key], entry.expires > now {
            return try await cast(entry.task.value)
        }
        if entries.count >= capacity {
            entries = entries.filter { $0.value.expires > now }
            if entries.count >= capacity { entries.removeAll() }
        }
        let task = Task<any Sendable, any Error> { try await load() }
        entries[key] = Entry(expires: now + ttl, task: task)
        do {
            return try await cast(task.value)
        } catch {
            entries[key] = nil
            throw error
        }
    }

    private func cast<Value>(_ value: any Sendable) throws -> Value {
        guard let typed = value as? Value else { throw CacheTypeError() }
        return typed
    }

    struct CacheTypeError: Error {}
}
