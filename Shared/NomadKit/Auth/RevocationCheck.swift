import Foundation
import Synchronization

/// Whether a caller whose token verified may still act: the token proves who
/// identity said they were when it was issued, not that their account is
/// still enabled. The auth interceptor asks on every call with a person's
/// token. Identity answers from its own table; every other service from a
/// RevocationList its RevocationPoller keeps in step with identity.
public protocol RevocationCheck: Sendable {
    /// Whether tokens of this account issued at `issuedAt` are refused.
    func isRevoked(_ account: UUID, issuedAt: Date) async throws -> Bool
}

/// The accounts identity has disabled, as last read from it, with when.
/// Replaced whole by each successful poll, so it never holds a half-read list;
/// a failed poll leaves the last one in place.
public final class RevocationList: RevocationCheck {
    private let revoked = Mutex<[UUID: Date]>([:])
    /// False until the first poll succeeded.
    private let loaded = Mutex(false)

    public init() {}

    /// Every token of a listed account is refused, whenever it was issued:
    /// a disabled account cannot log in or refresh, so all its tokens predate
    /// the disablement (identity has no re-enable; with one, `issuedAt` would
    /// be compared with the time listed).
    public func isRevoked(_ account: UUID, issuedAt: Date) -> Bool {
        revoked.withLock { $0[account] != nil }
    }

    public func replace(with entries: [UUID: Date]) {
        revoked.withLock { $0 = entries }
        loaded.withLock { $0 = true }
    }

    public var isLoaded: Bool { loaded.withLock { $0 } }
    public var count: Int { revoked.withLock { $0.count } }
}
