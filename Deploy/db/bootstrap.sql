-- Creates every service's login role and schema, as `nomadctl up` does through
-- LocalPostgres.bootstrapService: role nomad_<service> owns schema <service>,
-- may connect to the database, has its search_path set there, and nothing else
-- (CREATE on schema public is revoked from PUBLIC).
--
-- Run by a superuser (or the cloud's admin role) with psql, passwords as psql
-- variables, never written in this file:
--   psql -v dbname=nomad -v identity_password=... -v jobs_password=... \
--        -v assets_password=... -v events_password=... -v analytics_password=... \
--        -f bootstrap.sql
-- Idempotent: run it again to rotate the passwords. docker-compose runs it from
-- bootstrap.sh; Kubernetes from the nomad-db-bootstrap Job (same file, checked
-- identical by scripts/check_deploy.py).
\set ON_ERROR_STOP on
SELECT :{?dbname} AS has_dbname \gset
\if :has_dbname
\else
\set dbname nomad
\endif

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;

\set service identity
\set password :identity_password
\ir bootstrap-service.sql

\set service jobs
\set password :jobs_password
\ir bootstrap-service.sql

\set service assets
\set password :assets_password
\ir bootstrap-service.sql

\set service events
\set password :events_password
\ir bootstrap-service.sql

\set service analytics
\set password :analytics_password
\ir bootstrap-service.sql
