import Foundation
import Synchronization

/// Slows repeated failed sign-ins, per account and per client address: after
/// `freeFailures` failures in a row, each further attempt must wait twice as
/// long as the last (1 s, 2 s, 4 s ... up to `maxDelay`). A success clears the
/// account's count. In-process and bounded: at most `capacity` keys are
/// remembered, the least recently failed forgotten first, so a flood of
/// addresses cannot grow memory. Replicas of the portal each keep their own
/// table; identity remains the authority on passwords.
public final class SignInThrottle: Sendable {
    struct Entry {
        var failures: Int
        var lastFailure: Date
        var blockedUntil: Date
    }

    public let capacity: Int
    public let freeFailures: Int
    public let maxDelay: TimeInterval
    /// A key unseen for this long starts afresh.
    public let forgetAfter: TimeInterval
    private let table = Mutex<[String: Entry]>([:])

    public init(capacity: Int = 10_000, freeFailures: Int = 3, maxDelay: TimeInterval = 900, forgetAfter: TimeInterval = 3600) {
        self.capacity = capacity
        self.freeFailures = freeFailures
        self.maxDelay = maxDelay
        self.forgetAfter = forgetAfter
    }

    static func accountKey(_ username: String) -> String { "u:" + username.lowercased() }
    static func addressKey(_ address: String) -> String { "a:" + address }

    /// Seconds to wait before another attempt for this account or address; 0: go ahead.
    public func wait(username: String, address: String, now: Date = Date()) -> Int {
        table.withLock { table in
            [Self.accountKey(username), Self.addressKey(address)].compactMap { key -> Int? in
                guard let entry = table[key], now.timeIntervalSince(entry.lastFailure) < forgetAfter else { return nil }
                let remaining = entry.blockedUntil.timeIntervalSince(now)
                return remaining > 0 ? Int(remaining.rounded(.up)) : nil
            }.max() ?? 0
        }
    }

    public func recordFailure(username: String, address: String, now: Date = Date()) {
        table.withLock { table in
            for key in [Self.accountKey(username), Self.addressKey(address)] {
                var entry = table[key] ?? Entry(failures: 0, lastFailure: now, blockedUntil: now)
                if now.timeIntervalSince(entry.lastFailure) >= forgetAfter { entry.failures = 0 }
                entry.failures += 1
                entry.lastFailure = now
                let over = entry.failures - freeFailures
                if over > 0 {
                    entry.blockedUntil = now.addingTimeInterval(min(maxDelay, pow(2, Double(min(over - 1, 30)))))
                }
                table[key] = entry
            }
            if table.count > capacity {
                // Forget a tenth at once, so a flood sorts once per many failures.
                let excess = table.count - capacity * 9 / 10
                for key in table.sorted(by: { $0.value.lastFailure < $1.value.lastFailure }).prefix(excess).map(\.key) {
                    table.removeValue(forKey: key)
                }
            }
        }
    }

    public func recordSuccess(username: String) {
        _ = table.withLock { $0.removeValue(forKey: Self.accountKey(username)) }
    }

    public var count: Int { table.withLock { $0.count } }
}
