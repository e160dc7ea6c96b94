import Foundation
import NomadKit
import PostgresNIO

/// The expiry sweep: what is left of lots whose expiry day has passed leaves
/// the holder's account through an "expiry" ledger transaction to the zone's
/// expiry account; nothing is deleted. Each account is swept in a
/// transaction of its own under its row lock, taken with SKIP LOCKED: a
/// second sweeper (another replica, or SweepExpired called at the same time)
/// passes over an account being swept instead of waiting for it, and when it
/// does get the lock the lots it would expire are already at zero.
enum ExpiryStore {
    struct Expired: Sendable {
        var ownerID: UUID
        var ownerKind: LedgerOwnerKind
        var unit: LedgerUnit
        var amount: Int64
        var lots: Int
    }

    /// Accounts holding expired lots, a batch at a time.
    static func candidates(_ tx: Tx, before day: ZoneDay, limit: Int) async throws -> [UUID] {
        var found: [UUID] = []
        for try await id in try await tx.query(
            """
            SELECT DISTINCT account_id FROM ledger_lots
            WHERE remaining > 0 AND expires_on < \(day.iso)::date
            LIMIT \(limit)
            """
        ).decode(UUID.self) {
            found.append(id)
        }
        return found
    }

    /// Expires the account's lots dated before `day`, or returns nil when
    /// another transaction holds the account or nothing is left to expire.
    static func sweep(_ tx: Tx, account: UUID, before day: ZoneDay) async throws -> Expired? {
        let rows = try await tx.query(
            """
            SELECT owner_id, owner_kind, unit FROM ledger_accounts WHERE id = \(account) FOR UPDATE SKIP LOCKED
            """
        ).collect()
        guard let row = rows.first else { return nil }
        let (owner, ownerKind, unitName) = try row.decode((UUID, String, String).self)
        let unit = LedgerUnit(rawValue: unitName)!
        let (amount, lots) = try await tx.query(
            """
            SELECT coalesce(sum(remaining), 0)::bigint, count(*)::int FROM ledger_lots
            WHERE account_id = \(account) AND remaining > 0 AND expires_on < \(day.iso)::date
            """
        ).collect().first!.decode((Int64, Int).self)
        guard amount > 0 else { return nil }
        try await LedgerStore.post(
            tx,
            .move(
                "expiry", from: account, to: ZoneAccounts.expiry(unit), unit: unit, amount: amount,
                memo: "expired before \(day.iso)", by: nil),
            lots: .expiredBefore(day))
        return Expired(ownerID: owner, ownerKind: LedgerOwnerKind(rawValue: ownerKind)!, unit: unit, amount: amount, lots: lots)
    }
}
