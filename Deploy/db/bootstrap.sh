#!/bin/sh
# docker-entrypoint-initdb.d hook: passes the service passwords (compose
# secrets) to bootstrap.sql as psql variables.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname nomad \
  -v identity_password="$(cat /run/secrets/identity_db_password)" \
  -f /docker-entrypoint-initdb.d/bootstrap.sql.in
