-- One service's two roles and its schema, as ServiceRoles.bootstrapStatements
-- (Shared/NomadKit/Database/ServiceRoles.swift) does for `nomadctl up` and the
-- tests; included by bootstrap.sql with the psql variables service, password,
-- owner_password and dbname set.
--
-- nomad_<service>_owner owns the schema and every table in it and is used only
-- by the migrations at start (NOMAD_MIGRATION_DATABASE_URL). nomad_<service>
-- serves (NOMAD_DATABASE_URL) and owns nothing: it cannot ALTER, DROP,
-- TRUNCATE or disable triggers, and may only read and insert the append-only
-- tables. The migrator grants it the rest on every start. It is never made a
-- member of the owner role (it could SET ROLE back to it).
\set role nomad_:service
\set owner :role _owner
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SELECT format('REVOKE %I FROM %I', :'owner', :'role')
 WHERE EXISTS (SELECT FROM pg_auth_members WHERE roleid = :'owner'::regrole AND member = :'role'::regrole) \gexec
GRANT CONNECT ON DATABASE :"dbname" TO :"owner", :"role";
ALTER ROLE :"owner" IN DATABASE :"dbname" SET search_path = :"service";
ALTER ROLE :"role" IN DATABASE :"dbname" SET search_path = :"service";
CREATE SCHEMA IF NOT EXISTS :"service" AUTHORIZATION :"owner";
ALTER SCHEMA :"service" OWNER TO :"owner";
-- A database bootstrapped before the two roles: the runtime role owns the
-- tables; hand them to the owner (nothing to do on a new database).
REASSIGN OWNED BY :"role" TO :"owner";
GRANT USAGE ON SCHEMA :"service" TO :"role";
REVOKE CREATE ON SCHEMA :"service" FROM :"role";
