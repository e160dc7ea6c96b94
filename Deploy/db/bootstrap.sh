#!/bin/sh
# docker-entrypoint-initdb.d hook (runs once, on an empty data volume): passes
# each service's two database passwords (runtime and owner role, compose secrets) to bootstrap.sql as a
# psql variable, so no password is ever written in a file of the repository.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-nomad}" \
  -v dbname="${POSTGRES_DB:-nomad}" \
  -v identity_password="$(cat /run/secrets/identity_db_password)" \
  -v identity_owner_password="$(cat /run/secrets/identity_db_owner_password)" \
  -v jobs_password="$(cat /run/secrets/jobs_db_password)" \
  -v jobs_owner_password="$(cat /run/secrets/jobs_db_owner_password)" \
  -v assets_password="$(cat /run/secrets/assets_db_password)" \
  -v assets_owner_password="$(cat /run/secrets/assets_db_owner_password)" \
  -v events_password="$(cat /run/secrets/events_db_password)" \
  -v events_owner_password="$(cat /run/secrets/events_db_owner_password)" \
  -v analytics_password="$(cat /run/secrets/analytics_db_password)" \
  -v analytics_owner_password="$(cat /run/secrets/analytics_db_owner_password)" \
  -f /nomad-db/bootstrap.sql
