import Foundation

/// pgbench inserting what one IngestEvents call inserts: a batch of events
/// in one statement that skips ids already held, one batch per transaction.
extension Pgbench {
    static func ingestScript(batch: Int) -> String {
        """
        INSERT INTO ingested_events (id, source_service, type, schema_version, occurred_at, subject_ids, payload) SELECT gen_random_uuid(), 'identity', 'identity.site.visited', 1, now() - (random() * interval '300 days'), jsonb_build_object('account_id', gen_random_uuid()::text, 'site_id', gen_random_uuid()::text), jsonb_build_object('area', 'core', 'day', current_date::text) FROM generate_series(1, \(batch)) ON CONFLICT (id) DO NOTHING;

        """
    }

    /// Runs `transactions` batch inserts in total from `clients` connections.
    static func ingest(databaseURL: String, schema: String, clients: Int, transactions: Int, batch: Int) throws -> Result {
        try run(
            script: ingestScript(batch: batch), databaseURL: databaseURL, schema: schema, clients: clients,
            transactions: transactions,
            picks: Picks(
                table: "pgbench_ingest_unused", columns: "id", from: "(SELECT 1 AS id) one", countVariable: "nunused",
                minimum: 1, shortage: "cannot prepare pgbench"))
    }
}
