#!/usr/bin/env bash
# The part of the official postgres image's entrypoint that docker-compose.yml
# relies on (see Containerfile). Runs as root only to fix ownership, then as postgres.
set -Eeuo pipefail

# file_env VAR: VAR, or the content of the file VAR_FILE names.
file_env() {
  local var=$1 file_var="$1_FILE" default=${2:-}
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
    echo "docker-entrypoint: both $var and $file_var are set" >&2; exit 1
  fi
  local value=$default
  if [[ -n ${!var:-} ]]; then value=${!var}; elif [[ -n ${!file_var:-} ]]; then value=$(<"${!file_var}"); fi
  export "$var"="$value"
  unset "$file_var"
}

if [[ ${1:-} == -* ]]; then set -- postgres "$@"; fi

if [[ ${1:-} == postgres && $(id -u) == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [[ ${1:-} == postgres && ! -s $PGDATA/PG_VERSION ]]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  if [[ -z $POSTGRES_PASSWORD && ${POSTGRES_HOST_AUTH_METHOD:-} != trust ]]; then
    echo "docker-entrypoint: set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE)" >&2; exit 1
  fi
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of words, as in the official image
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" ${POSTGRES_INITDB_ARGS:-}
  printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  # A first start on the socket only, for the init scripts; nothing reaches it over TCP.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
  export PGPASSWORD=$POSTGRES_PASSWORD
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [[ $POSTGRES_DB != postgres ]]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e $f ]] || continue
    case $f in
      *.sh)
        if [[ -x $f ]]; then echo "docker-entrypoint: running $f"; "$f"
        else echo "docker-entrypoint: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "docker-entrypoint: running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "docker-entrypoint: running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) echo "docker-entrypoint: ignoring $f" ;;
    esac
  done
  unset PGPASSWORD
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "docker-entrypoint: PostgreSQL init process complete; ready for start up."
fi

exec "$@"
