-- One service's role and schema; included by bootstrap.sql with the psql
-- variables service, password and dbname set.
\set role nomad_:service
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
GRANT CONNECT ON DATABASE :"dbname" TO :"role";
ALTER ROLE :"role" IN DATABASE :"dbname" SET search_path = :"service";
CREATE SCHEMA IF NOT EXISTS :"service" AUTHORIZATION :"role";
ALTER SCHEMA :"service" OWNER TO :"role";
