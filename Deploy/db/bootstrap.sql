-- Run once by the PostgreSQL superuser (docker-compose mounts it into
-- /docker-entrypoint-initdb.d). Each service gets a login role with rights on
-- its own schema only; nomadctl up does the same through LocalPostgres.
-- Passwords come from the environment (psql variables), never from this file.
\set ON_ERROR_STOP on
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE nomad FROM PUBLIC;

CREATE ROLE nomad_identity LOGIN PASSWORD :'identity_password';
GRANT CONNECT ON DATABASE nomad TO nomad_identity;
CREATE SCHEMA identity AUTHORIZATION nomad_identity;
ALTER ROLE nomad_identity IN DATABASE nomad SET search_path = identity;
