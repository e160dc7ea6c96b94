import Foundation
import GRPCCore
import Synchronization

/// Token buckets for calls that carry no valid token, one bucket per caller
/// address: public reads (catalogue, jobs, events, KPIs) and sign-in are open
/// to anyone, and one address must not be able to take a service's database
/// for itself. Signed-in callers never draw from these buckets.
///
/// The address is the connection's peer. A trusted forwarder (the portal, an
/// ingress) may name the address it forwards for in `x-forwarded-for`: for a
/// call from one of `trustedForwarders`, the last address in that header is
/// the bucket's key; from anyone else the header is ignored, so it cannot be
/// used to dodge the limit.
public final class AnonymousRateLimiter: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Calls per second each address may sustain; 0 turns the limit off.
        public var ratePerSecond: Double
        /// Calls an idle address may make at once.
        public var burst: Double
        /// Peer IP addresses or networks (CIDR) whose `x-forwarded-for` is believed.
        public var trustedForwarders: Set<String>

        public init(ratePerSecond: Double = 50, burst: Double = 100, trustedForwarders: Set<String> = []) {
            self.ratePerSecond = ratePerSecond
            self.burst = burst
            self.trustedForwarders = trustedForwarders
        }

        public static let defaults = Settings()
    }

    public static let refusal = NomadError(
        .resourceExhausted, zh: "未登录的请求过于频繁，请稍后再试，或登录后继续",
        en: "Too many requests without signing in; please slow down, or sign in")

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let settings: Settings
    private let forwarders: [AddressRange]
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Addresses remembered at once; past it, idle (full) buckets are dropped.
    let capacity: Int

    /// How many addresses it remembers now (for tests).
    var trackedAddresses: Int { buckets.withLock { $0.count } }

    public init(_ settings: Settings, capacity: Int = 100_000) {
        self.settings = settings
        // NomadConfig refuses an entry that is not an address or a network.
        forwarders = settings.trustedForwarders.compactMap(AddressRange.init)
        self.capacity = capacity
    }

    public var isEnabled: Bool { settings.ratePerSecond > 0 }

    /// Takes one call from `key`'s bucket; false when it is empty.
    public func admit(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        guard isEnabled else { return true }
        let rate = settings.ratePerSecond, burst = max(settings.burst, 1)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if seconds > 0 {
                bucket.tokens = min(burst, bucket.tokens + seconds * rate)
                bucket.updated = now
            }
            let admitted = bucket.tokens >= 1
            if admitted { bucket.tokens -= 1 }
            if buckets[key] == nil, buckets.count >= capacity {
                Self.evict(&buckets, now: now, rate: rate, burst: burst, capacity: capacity)
            }
            buckets[key] = bucket
            return admitted
        }
    }

    /// Drops buckets that have refilled (forgetting them changes nothing);
    /// if every one is busy, forgets them all rather than grow without end.
    private static func evict(
        _ buckets: inout [String: Bucket], now: ContinuousClock.Instant, rate: Double, burst: Double, capacity: Int
    ) {
        let refill = Duration.milliseconds(Int64((burst / rate * 1000).rounded(.up)))
        buckets = buckets.filter { now - $0.value.updated < refill }
        if buckets.count >= capacity { buckets.removeAll(keepingCapacity: true) }
    }

    /// The bucket key of a call: the peer's IP address (without the port), or
    /// the forwarded client's when the peer is a trusted forwarder.
    public func key(remotePeer: String, metadata: Metadata) -> String {
        let peer = Self.address(ofPeer: remotePeer)
        guard forwarders.contains(where: { $0.contains(peer) }),
            let header = metadata[stringValues: "x-forwarded-for"].first(where: { _ in true }),
            let last = header.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
            Self.looksLikeAddress(last)
        else { return peer }
        return last
    }

    /// "ipv4:10.0.0.7:51234" → "10.0.0.7"; "ipv6:[::1]:51234" → "::1";
    /// anything else (a Unix socket) as it is.
    static func address(ofPeer peer: String) -> String {
        if peer.hasPrefix("ipv4:") {
            let rest = peer.dropFirst(5)
            return String(rest.lastIndex(of: ":").map { rest[..<$0] } ?? rest)
        }
        if peer.hasPrefix("ipv6:["), let close = peer.firstIndex(of: "]") {
            return String(peer[peer.index(peer.startIndex, offsetBy: 6)..<close])
        }
        return peer
    }

    /// An IPv4 or IPv6 address in text, loosely: bounded, and only the
    /// characters addresses use, so a header cannot mint unbounded keys of
    /// arbitrary text.
    static func looksLikeAddress(_ text: String) -> Bool {
        (2...45).contains(text.utf8.count)
            && text.unicodeScalars.allSatisfy {
                ("0"..."9").contains($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) || $0 == "." || $0 == ":"
            }
    }
}
