import Foundation

/// A service's two database roles. The owner (`nomad_<service>_owner`) owns the
/// schema and its tables and is used only to migrate; the runtime role
/// (`nomad_<service>`) is what the service serves with. Owning a table lets a
/// role disable or drop its triggers, truncate it or drop it, so the role that
/// answers requests must not own anything: a compromised or buggy service can
/// then only do what its grants allow (`Migrator` keeps them exact, and
/// append-only tables get INSERT and SELECT only). The runtime role is never a
/// member of the owner role, since membership would let it `SET ROLE` back.
///
/// `bootstrapStatements` is what a superuser runs once per schema (and may run
/// again): `LocalPostgres` for `nomadctl up`, `NomadTesting` for test schemas;
/// `Deploy/db/bootstrap-service.sql` is the same for compose and Kubernetes.
public struct ServiceRoles: Sendable, Equatable {
    public let schema: String
    public let owner: String
    public let runtime: String

    public init(service: String, schema: String? = nil) {
        self.schema = schema ?? service
        self.owner = "nomad_\(service)_owner"
        self.runtime = "nomad_\(service)"
    }

    /// Serialises bootstraps (roles and database ACLs are cluster-wide, and
    /// concurrent changes fail with "tuple concurrently updated"): taken with
    /// `pg_advisory_lock` around the statements, on the same session.
    public static let bootstrapLockKey = 7243051

    /// Idempotent statements, one command each (postgres-nio runs one per
    /// query; psql runs them joined). Passwords nil leave the roles without one
    /// (a trust-auth local cluster).
    public func bootstrapStatements(database: String, ownerPassword: String?, runtimePassword: String?) -> [String] {
        let o = Self.identifier(owner), r = Self.identifier(runtime), s = Self.identifier(schema)
        let db = Self.identifier(database)
        func create(_ role: String) -> String {
            """
            DO $nomad$
            BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \(Self.literal(role))) THEN
                CREATE ROLE \(Self.identifier(role)) LOGIN;
              END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END
            $nomad$
            """
        }
        return [
            create(owner),
            create(runtime),
            "ALTER ROLE \(o) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD \(ownerPassword.map(Self.literal) ?? "NULL")",
            "ALTER ROLE \(r) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD \(runtimePassword.map(Self.literal) ?? "NULL")",
            // A runtime role that could SET ROLE to the owner would own the tables after all.
            "REVOKE \(o) FROM \(r)",
            "GRANT CONNECT ON DATABASE \(db) TO \(o), \(r)",
            "ALTER ROLE \(o) IN DATABASE \(db) SET search_path = \(s)",
            "ALTER ROLE \(r) IN DATABASE \(db) SET search_path = \(s)",
            "CREATE SCHEMA IF NOT EXISTS \(s) AUTHORIZATION \(o)",
            "ALTER SCHEMA \(s) OWNER TO \(o)",
            // A database from before the two roles has the runtime role owning
            // the tables; hand them over (nothing to do on a new database).
            "REASSIGN OWNED BY \(r) TO \(o)",
            // Until the first migration grants the rest, the runtime role can
            // only see that the schema exists.
            "GRANT USAGE ON SCHEMA \(s) TO \(r)",
            "REVOKE CREATE ON SCHEMA \(s) FROM \(r)",
        ]
    }

    /// SQL identifier, always quoted.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// SQL string literal (standard_conforming_strings is on).
    public static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The user of a postgres:// URL: the role a pool made from it logs in as.
    public static func user(of url: String) -> String? {
        URLComponents(string: url)?.user?.removingPercentEncoding
    }
}
