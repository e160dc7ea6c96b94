-- Creates every service's two login roles and its schema, as `nomadctl up` does
-- through LocalPostgres.bootstrap: nomad_<service>_owner owns schema <service>
-- and migrates it, nomad_<service> serves and owns nothing (see
-- bootstrap-service.sql); both may connect to the database, have their
-- search_path set there, and nothing else (CREATE on schema public is revoked
-- from PUBLIC).
--
-- Run by a superuser (or the cloud's admin role) with psql, passwords as psql
-- variables, never written in this file:
--   psql -v dbname=nomad -v identity_password=... -v identity_owner_password=... \
--        -v jobs_password=... -v jobs_owner_password=... (and so on for assets,
--        events, analytics) -f bootstrap.sql
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
\set owner_password :identity_owner_password
\ir bootstrap-service.sql

\set service jobs
\set password :jobs_password
\set owner_password :jobs_owner_password
\ir bootstrap-service.sql

\set service assets
\set password :assets_password
\set owner_password :assets_owner_password
\ir bootstrap-service.sql

\set service events
\set password :events_password
\set owner_password :events_owner_password
\ir bootstrap-service.sql

\set service analytics
\set password :analytics_password
\set owner_password :analytics_owner_password
\ir bootstrap-service.sql
