import Foundation
import NomadKit

/// pgbench running the SQL of one TransferPoints transaction: the
/// statements the service sends, in the same order, prepared, between
/// random pairs of the accounts the bench seeded. The ledger's deferred
/// balance check and its triggers run at COMMIT here as they do for the
/// service, since they live in the database.
extension Pgbench {
    static let transferScript = """
        \\set a random(1, :naccounts)
        \\set b random(1, :naccounts - 1)
        \\set b CASE WHEN :b >= :a THEN :b + 1 ELSE :b END
        SELECT a.id AS acc_a, a.owner_id AS own_a, b.id AS acc_b FROM pgbench_ledger_accounts a, pgbench_ledger_accounts b WHERE a.n = :a AND b.n = :b \\gset
        BEGIN;
        INSERT INTO idempotency_keys (caller, method, request_id, request_hash) VALUES (gen_random_uuid()::text, 'TransferPoints', gen_random_uuid()::text, '\\x00'::bytea) ON CONFLICT DO NOTHING RETURNING caller AS k_caller, request_id AS k_request \\gset
        SELECT owner_id, owner_kind, kind, unit FROM ledger_accounts WHERE id = :acc_b;
        SELECT id FROM ledger_accounts WHERE owner_id = :own_a AND kind = 'points' AND unit = 'POINTS';
        SELECT id, kind, unit, balance, may_go_negative FROM ledger_accounts WHERE id = ANY(ARRAY[:acc_a, :acc_b]::uuid[]) ORDER BY id FOR UPDATE;
        SELECT id AS lot_id, expires_on::text AS lot_day, remaining FROM ledger_lots WHERE account_id = :acc_a AND remaining > 0 AND expires_on >= current_date ORDER BY expires_on, id LIMIT 1 \\gset
        INSERT INTO ledger_transactions (id, kind, memo, reference_id, created_by) VALUES (gen_random_uuid(), 'points.transferred', '', NULL, :own_a) RETURNING id AS txn_id \\gset
        UPDATE ledger_accounts SET balance = balance + -1 WHERE id = :acc_a RETURNING balance AS bal_a \\gset
        INSERT INTO ledger_entries (transaction_id, account_id, unit, amount, balance_after) VALUES (:txn_id, :acc_a, 'POINTS', -1, :bal_a);
        UPDATE ledger_accounts SET balance = balance + 1 WHERE id = :acc_b RETURNING balance AS bal_b \\gset
        INSERT INTO ledger_entries (transaction_id, account_id, unit, amount, balance_after) VALUES (:txn_id, :acc_b, 'POINTS', 1, :bal_b);
        UPDATE ledger_lots SET remaining = remaining - 1 WHERE id = :lot_id;
        INSERT INTO ledger_lots AS l (account_id, expires_on, amount, remaining, transaction_id) VALUES (:acc_b, :lot_day::date, 1, 1, :txn_id) ON CONFLICT (account_id, expires_on) DO UPDATE SET amount = l.amount + EXCLUDED.amount, remaining = l.remaining + EXCLUDED.remaining;
        INSERT INTO outbox (id, type, schema_version, subject_ids, payload) VALUES (gen_random_uuid(), 'assets.points.transferred', 1, '{"from_owner_id": "x", "to_owner_id": "y", "transaction_id": "z"}'::jsonb, '{"from_owner_id": "x", "points": 1, "to_owner_id": "y"}'::jsonb);
        UPDATE idempotency_keys SET response = decode(repeat('ab', 160), 'hex') WHERE caller = :k_caller AND method = 'TransferPoints' AND request_id = :k_request;
        COMMIT;

        """

    /// Runs `transactions` transfer transactions in total from `clients`
    /// connections between the nomads' points accounts the bench seeded.
    static func transfers(databaseURL: String, schema: String, clients: Int, transactions: Int) throws -> Result {
        try run(
            script: transferScript, databaseURL: databaseURL, schema: schema, clients: clients, transactions: transactions,
            picks: Picks(
                table: "pgbench_ledger_accounts", columns: "id, owner_id",
                from: "ledger_accounts WHERE kind = 'points' AND balance > 100000", countVariable: "naccounts", minimum: 2,
                shortage: "fewer than two funded points accounts to run pgbench on"))
    }
}
