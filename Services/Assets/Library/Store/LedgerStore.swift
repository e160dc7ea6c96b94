import Foundation
import NomadKit
import PostgresNIO

struct LedgerAccountRecord: Sendable, Equatable {
    var id: UUID
    var ownerID: UUID
    var ownerKind: LedgerOwnerKind
    var kind: LedgerAccountKind
    var unit: LedgerUnit
    var balance: Int64
    var spendable: Int64
    var nextExpiry: ZoneDay?
}

struct LedgerEntryRecord: Sendable {
    var id: Int64
    var transactionID: UUID
    var transactionKind: String
    var amount: Int64
    var balanceAfter: Int64
    var memo: String
    var postedAt: Date
}

struct PostedTransaction: Sendable {
    var id: UUID
    var kind: String
    var postings: [LedgerPosting]
    var postedAt: Date
}

/// Accounts, postings and statements. `post` is the only writer of entries
/// and balances: it locks every account a transaction touches in id order
/// (so two transactions over the same accounts never wait on each other in
/// a cycle), checks the debits against what may be spent under those locks,
/// then appends the entries and moves the lots.
enum LedgerStore {
    private static let accountColumns = "id, owner_id, owner_kind, kind, unit, balance"

    /// The account of (owner, kind, unit), opened empty on first use.
    static func open(
        _ tx: Tx, owner: UUID, ownerKind: LedgerOwnerKind, kind: LedgerAccountKind,
        unit: LedgerUnit
    ) async throws -> UUID {
        if let id = try await find(tx, owner: owner, kind: kind, unit: unit) { return id }
        try await tx.query(
            """
            INSERT INTO ledger_accounts (id, owner_id, owner_kind, kind, unit)
            VALUES (\(UUID()), \(owner), \(ownerKind.rawValue), \(kind.rawValue), \(unit.rawValue))
            ON CONFLICT (owner_id, kind, unit) DO NOTHING
            """)
        guard let id = try await find(tx, owner: owner, kind: kind, unit: unit) else {
            throw NomadError.internalError
        }
        return id
    }

    static func find(
        _ tx: Tx, owner: UUID, kind: LedgerAccountKind, unit: LedgerUnit
    ) async throws -> UUID? {
        try await tx.query(
            """
            SELECT id FROM ledger_accounts WHERE owner_id = \(owner) AND kind = \(kind.rawValue) AND unit = \(unit.rawValue)
            """
        ).collect().first?.decode(UUID.self)
    }

    /// One account with its spendable amount as of `today`.
    static func account(_ tx: Tx, id: UUID, today: ZoneDay) async throws -> LedgerAccountRecord? {
        try await accounts(tx, where: "a.id", is: id, today: today).first
    }

    static func accounts(_ tx: Tx, owner: UUID, today: ZoneDay) async throws -> [LedgerAccountRecord] {
        try await accounts(tx, where: "a.owner_id", is: owner, today: today)
    }

    private static func accounts(
        _ tx: Tx, where column: String, is value: UUID, today: ZoneDay
    ) async throws -> [LedgerAccountRecord] {
        let rows = try await tx.query(
            """
            SELECT a.id, a.owner_id, a.owner_kind, a.kind, a.unit, a.balance,
              CASE WHEN a.kind IN ('points', 'voucher')
                THEN (SELECT coalesce(sum(l.remaining), 0)::bigint FROM ledger_lots l
                      WHERE l.account_id = a.id AND l.remaining > 0 AND l.expires_on >= \(today.iso)::date)
                ELSE greatest(a.balance, 0) END,
              (SELECT min(l.expires_on)::text FROM ledger_lots l WHERE l.account_id = a.id AND l.remaining > 0)
            FROM ledger_accounts a WHERE \(unescaped: column) = \(value)
            ORDER BY a.kind, a.unit
            """)
        var found: [LedgerAccountRecord] = []
        for try await row in rows {
            let (id, owner, ownerKind, kind, unit, balance, spendable, next) =
                try row.decode((UUID, UUID, String, String, String, Int64, Int64, String?).self)
            found.append(
                LedgerAccountRecord(
                    id: id, ownerID: owner, ownerKind: LedgerOwnerKind(rawValue: ownerKind)!,
                    kind: LedgerAccountKind(rawValue: kind)!, unit: LedgerUnit(rawValue: unit)!, balance: balance,
                    spendable: spendable, nextExpiry: next.flatMap { ZoneDay(iso: $0) }))
        }
        return found
    }

    /// What a debit may take from lot-tracked accounts: lots still valid
    /// today, earliest expiry first; or, for the sweep, only expired ones.
    enum LotSelection: Sendable {
        case spendable(today: ZoneDay)
        case expiredBefore(ZoneDay)
    }

    /// Posts `draft` in the caller's transaction. Unknown accounts are
    /// NOT_FOUND, a debit larger than what may be spent is
    /// FAILED_PRECONDITION; either way nothing has been written when it throws
    /// (the checks all come before the first write).
    @discardableResult
    static func post(
        _ tx: Tx, _ draft: LedgerDraft, lots selection: LotSelection
    ) async throws -> PostedTransaction {
        let draft = try draft.validated()
        let ids = draft.postings.map(\.account).sorted { $0.uuidString < $1.uuidString }
        // Locks in id order; ORDER BY sits below the row locking, so rows are
        // locked in that order.
        var locked: [UUID: (kind: LedgerAccountKind, unit: LedgerUnit, balance: Int64, mayGoNegative: Bool)] = [:]
        for try await row in try await tx.query(
            """
            SELECT id, kind, unit, balance, may_go_negative FROM ledger_accounts
            WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE
            """)
        {
            let (id, kind, unit, balance, negative) = try row.decode((UUID, String, String, Int64, Bool).self)
            locked[id] = (LedgerAccountKind(rawValue: kind)!, LedgerUnit(rawValue: unit)!, balance, negative)
        }
        for posting in draft.postings {
            guard let account = locked[posting.account] else { throw LedgerErrors.unknownAccount(posting.account) }
            guard account.unit == posting.unit else { throw LedgerErrors.wrongAccountKind }
        }

        // Plan every lot change before writing anything.
        var consumed: [LedgerUnit: [(expiresOn: String, amount: Int64)]] = [:]
        var lotUpdates: [(id: Int64, take: Int64)] = []
        for posting in draft.postings where posting.amount < 0 {
            let account = locked[posting.account]!
            let need = -posting.amount
            if account.kind.tracksLots {
                let (updates, slices, available) = try await planLots(
                    tx, account: posting.account, need: need, selection: selection)
                guard available >= need else { throw LedgerErrors.overdraft(posting.unit) }
                lotUpdates += updates
                consumed[posting.unit, default: []] += slices
            } else if !account.mayGoNegative, account.balance < need {
                throw LedgerErrors.overdraft(posting.unit)
            }
        }

        let transactionID = UUID()
        let postedAt = try await tx.query(
            """
            INSERT INTO ledger_transactions (id, kind, memo, reference_id, created_by)
            VALUES (\(transactionID), \(draft.kind), \(draft.memo), \(draft.reference), \(draft.createdBy))
            RETURNING created_at
            """
        ).collect().first!.decode(Date.self)
        for posting in draft.postings.sorted(by: { $0.account.uuidString < $1.account.uuidString }) {
            let after = try await tx.query(
                """
                UPDATE ledger_accounts SET balance = balance + \(posting.amount) WHERE id = \(posting.account)
                RETURNING balance
                """
            ).collect().first!.decode(Int64.self)
            try await tx.query(
                """
                INSERT INTO ledger_entries (transaction_id, account_id, unit, amount, balance_after)
                VALUES (\(transactionID), \(posting.account), \(posting.unit.rawValue), \(posting.amount), \(after))
                """)
        }
        for update in lotUpdates {
            try await tx.query(
                "UPDATE ledger_lots SET remaining = remaining - \(update.take) WHERE id = \(update.id)")
        }
        for posting in draft.postings where posting.amount > 0 && locked[posting.account]!.kind.tracksLots {
            let slices: [(expiresOn: String, amount: Int64)]
            if let day = posting.expiresOn {
                slices = [(day.iso, posting.amount)]
            } else {
                // Inherit the expiry days of what the debit consumed.
                slices = consumed[posting.unit] ?? []
                guard slices.reduce(0, { $0 + $1.amount }) == posting.amount else { throw NomadError.internalError }
            }
            for slice in slices {
                try await tx.query(
                    """
                    INSERT INTO ledger_lots AS l (account_id, expires_on, amount, remaining, transaction_id)
                    VALUES (\(posting.account), \(slice.expiresOn)::date, \(slice.amount), \(slice.amount), \(transactionID))
                    ON CONFLICT (account_id, expires_on)
                    DO UPDATE SET amount = l.amount + EXCLUDED.amount, remaining = l.remaining + EXCLUDED.remaining
                    """)
            }
        }
        return PostedTransaction(id: transactionID, kind: draft.kind, postings: draft.postings, postedAt: postedAt)
    }

    /// Which lots cover `need`, earliest expiry first. Runs under the
    /// account's row lock, so no other transaction changes these lots meanwhile.
    private static func planLots(
        _ tx: Tx, account: UUID, need: Int64, selection: LotSelection
    ) async throws -> ([(id: Int64, take: Int64)], [(expiresOn: String, amount: Int64)], Int64) {
        let rows: PostgresRowSequence
        switch selection {
        case .spendable(let today):
            rows = try await tx.query(
                """
                SELECT id, expires_on::text, remaining FROM ledger_lots
                WHERE account_id = \(account) AND remaining > 0 AND expires_on >= \(today.iso)::date
                ORDER BY expires_on, id
                """)
        case .expiredBefore(let day):
            rows = try await tx.query(
                """
                SELECT id, expires_on::text, remaining FROM ledger_lots
                WHERE account_id = \(account) AND remaining > 0 AND expires_on < \(day.iso)::date
                ORDER BY expires_on, id
                """)
        }
        var updates: [(id: Int64, take: Int64)] = [], slices: [(expiresOn: String, amount: Int64)] = []
        var available: Int64 = 0, left = need
        for try await row in rows {
            let (id, day, remaining) = try row.decode((Int64, String, Int64).self)
            available += remaining
            guard left > 0 else { continue }
            let take = min(left, remaining)
            left -= take
            updates.append((id, take))
            slices.append((day, take))
        }
        return (updates, slices, available)
    }

    /// A page of the account's entries, oldest first, with the running
    /// balance each entry left behind.
    static func statement(
        _ tx: Tx, account: UUID, page: Page, newestFirst: Bool = false
    ) async throws
        -> [LedgerEntryRecord]
    {
        let order = newestFirst ? "DESC" : "ASC"
        let rows = try await tx.query(
            """
            SELECT e.id, e.transaction_id, t.kind, e.amount, e.balance_after, t.memo, e.created_at
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
            WHERE e.account_id = \(account)
            ORDER BY e.id \(unescaped: order) LIMIT \(page.fetchLimit) OFFSET \(page.offset)
            """)
        var lines: [LedgerEntryRecord] = []
        for try await row in rows {
            let (id, txn, kind, amount, after, memo, at) = try row.decode((Int64, UUID, String, Int64, Int64, String, Date).self)
            lines.append(
                LedgerEntryRecord(
                    id: id, transactionID: txn, transactionKind: kind, amount: amount, balanceAfter: after, memo: memo, postedAt: at))
        }
        return lines
    }

    struct TrialBalance: Sendable {
        /// Per unit: (sum of balances, sum of entries).
        var units: [(unit: LedgerUnit, balances: Int64, entries: Int64)]
        var lines: [(unit: LedgerUnit, kind: LedgerAccountKind, total: Int64, accounts: Int)]
    }

    static func trialBalance(_ tx: Tx) async throws -> TrialBalance {
        var lines: [(unit: LedgerUnit, kind: LedgerAccountKind, total: Int64, accounts: Int)] = []
        for try await row in try await tx.query(
            """
            SELECT unit, kind, coalesce(sum(balance), 0)::bigint, count(*)::int FROM ledger_accounts
            GROUP BY unit, kind ORDER BY unit, kind
            """)
        {
            let (unit, kind, total, count) = try row.decode((String, String, Int64, Int).self)
            lines.append((LedgerUnit(rawValue: unit)!, LedgerAccountKind(rawValue: kind)!, total, count))
        }
        var entryTotals: [LedgerUnit: Int64] = [:]
        for try await row in try await tx.query(
            "SELECT unit, coalesce(sum(amount), 0)::bigint FROM ledger_entries GROUP BY unit"
        ) {
            let (unit, total) = try row.decode((String, Int64).self)
            entryTotals[LedgerUnit(rawValue: unit)!] = total
        }
        let units = LedgerUnit.allCases.map { unit in
            (unit, lines.filter { $0.unit == unit }.reduce(Int64(0)) { $0 + $1.total }, entryTotals[unit] ?? 0)
        }
        return TrialBalance(units: units, lines: lines)
    }
}

extension LedgerStore {
    /// Takes the row locks of `ids` in id order, the order every posting
    /// takes them in, and returns their balances. For a caller that must read
    /// a balance before deciding what to post: locking only the one account
    /// first and the zone's account later would invert that order against a
    /// concurrent posting and deadlock.
    static func lockBalances(_ tx: Tx, ids: [UUID]) async throws -> [UUID: Int64] {
        var balances: [UUID: Int64] = [:]
        for try await (id, balance) in try await tx.query(
            "SELECT id, balance FROM ledger_accounts WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE"
        ).decode((UUID, Int64).self) {
            balances[id] = balance
        }
        return balances
    }

    struct Header: Sendable {
        var id: UUID
        var ownerID: UUID
        var ownerKind: LedgerOwnerKind
        var kind: LedgerAccountKind
        var unit: LedgerUnit
    }

    /// Who owns an account and what it holds, without its balance.
    static func header(_ tx: Tx, id: UUID) async throws -> Header? {
        let rows = try await tx.query(
            "SELECT owner_id, owner_kind, kind, unit FROM ledger_accounts WHERE id = \(id)"
        ).collect()
        guard let row = rows.first else { return nil }
        let (owner, ownerKind, kind, unit) = try row.decode((UUID, String, String, String).self)
        return Header(
            id: id, ownerID: owner, ownerKind: LedgerOwnerKind(rawValue: ownerKind)!,
            kind: LedgerAccountKind(rawValue: kind)!, unit: LedgerUnit(rawValue: unit)!)
    }
}
