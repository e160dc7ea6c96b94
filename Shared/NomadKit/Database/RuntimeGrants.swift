/// What the runtime role may do in its service's schema, restated by the
/// migrator (as the owner) at the end of every migration run, so the grants
/// match the tables whatever state an earlier version or a hand left them in:
/// read and write every table and sequence, read `schema_migrations`, only
/// read and append to the append-only tables, and never truncate, reference or
/// add triggers. Default privileges make a table the owner creates reachable
/// at once, including one created by hand outside a migration.
enum RuntimeGrants {
    static func statements(schema: String, runtime: String, appendOnlyTables: [String]) -> [String] {
        let s = ServiceRoles.identifier(schema), r = ServiceRoles.identifier(runtime)
        return [
            "GRANT USAGE ON SCHEMA \(s) TO \(r)",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA \(s) GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(r)",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA \(s) GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO \(r)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(s) TO \(r)",
            "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA \(s) FROM \(r)",
            "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA \(s) TO \(r)",
            // Which migrations ran is the owner's record.
            "REVOKE INSERT, UPDATE, DELETE ON \(s).schema_migrations FROM \(r)",
        ]
            + appendOnlyTables.map { table in
                "REVOKE UPDATE, DELETE ON \(s).\(ServiceRoles.identifier(table)) FROM \(r)"
            }
    }
}
