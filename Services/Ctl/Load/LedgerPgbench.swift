import Foundation
import NomadKit

/// pgbench running what one TransferPoints sends: one prepared call of
/// `transfer_points` (key, target and source, locks in id order, lots,
/// transaction, entries and balances, outbox, stored result), with the same
/// argument types, between random pairs of the accounts the bench seeded. The
/// ledger's deferred balance check runs at commit here as it does for the
/// service, since it lives in the database.
extension Pgbench {
    static let transferScript = """
        \\set a random(1, :naccounts)
        \\set b random(1, :naccounts - 1)
        \\set b CASE WHEN :b >= :a THEN :b + 1 ELSE :b END
        SELECT transfer_points(gen_random_uuid()::text, gen_random_uuid()::text, '\\x00'::bytea, (SELECT owner_id FROM pgbench_ledger_accounts WHERE n = :a), (SELECT id FROM pgbench_ledger_accounts WHERE n = :b), 1, '', gen_random_uuid(), gen_random_uuid(), current_date)::text;

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

/// pgbench running what one ExchangePow sends: one prepared call of
/// `exchange_pow` (key, rate, POW and points accounts, the four postings under
/// the accounts' locks in id order, the lot, outbox, stored result), one POW
/// of a random nomad the bench seeded.
extension Pgbench {
    static let exchangeScript = """
        \\set a random(1, :nnomads)
        SELECT exchange_pow(gen_random_uuid()::text, gen_random_uuid()::text, '\\x00'::bytea, (SELECT owner_id FROM pgbench_pow_accounts WHERE n = :a), 1, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), current_date)::text;

        """

    /// Runs `transactions` exchange transactions in total from `clients`
    /// connections over the nomads' POW accounts the bench seeded.
    static func exchanges(databaseURL: String, schema: String, clients: Int, transactions: Int) throws -> Result {
        try run(
            script: exchangeScript, databaseURL: databaseURL, schema: schema, clients: clients, transactions: transactions,
            picks: Picks(
                table: "pgbench_pow_accounts", columns: "id, owner_id",
                from: "ledger_accounts WHERE kind = 'pow' AND balance > 10000", countVariable: "nnomads", minimum: 1,
                shortage: "no funded POW account to run pgbench on"))
    }
}
