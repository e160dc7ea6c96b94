#!/usr/bin/env bash
# A PostgreSQL primary switch under the compose topology (scripts/compose-smoke.sh
# runs it while clients write, and checks that no acknowledged write is lost):
#   pg-switch.sh restart PRIMARY            stop the primary (fast shutdown), start it
#                                           again on the same data volume
#   pg-switch.sh promote PRIMARY STANDBY NETWORK
#                                           stop the primary, `pg_ctl promote` the
#                                           synchronous streaming standby, and move the
#                                           name "postgres" on NETWORK to it: the
#                                           services' next connections reach the new primary
# Containers are named by the caller (its own project's); nothing else is touched.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../Deploy/podman/env.sh"
say() { echo "pg-switch: $(date -u +%H:%M:%S.%N | cut -c1-12) $*"; }
ready() {  # wait until the server in container $1 accepts connections
  for _ in $(seq 1 60); do
    podman exec "$1" pg_isready -q -h 127.0.0.1 -U postgres 2>/dev/null && return
    sleep 0.5
  done
  echo "pg-switch: $1 did not become ready" >&2; return 1
}
case $1 in
  restart)
    primary=$2
    say "stopping $primary"; podman stop -t 20 "$primary" >/dev/null
    say "starting $primary on the same volume"; podman start "$primary" >/dev/null
    ready "$primary"; say "$primary accepts connections again"
    ;;
  promote)
    primary=$2 standby=$3 network=$4
    say "stopping the primary $primary"; podman stop -t 20 "$primary" >/dev/null
    say "pg_ctl promote on $standby"
    podman exec -u postgres "$standby" pg_ctl promote -w -D /var/lib/postgresql/data >/dev/null
    # The new primary has no standby yet: if it still named one as synchronous, every
    # commit would wait for it forever (CloudNativePG rewrites this setting on failover
    # and turns the old primary into the new standby; here the operator's step).
    podman exec "$standby" psql -q -U postgres -c "ALTER SYSTEM RESET synchronous_standby_names" \
      -c "SELECT pg_reload_conf()" >/dev/null
    # The name the services use moves to the new primary (what a -rw Service does on Kubernetes).
    podman network disconnect "$network" "$standby" >/dev/null
    podman network connect --alias postgres "$network" "$standby" >/dev/null
    ready "$standby"
    say "$standby is the primary as \"postgres\": $(podman exec "$standby" psql -U postgres -Atc 'SELECT CASE WHEN pg_is_in_recovery() THEN $$standby$$ ELSE $$primary$$ END')"
    ;;
  *) echo "usage: $0 restart PRIMARY | promote PRIMARY STANDBY NETWORK" >&2; exit 2 ;;
esac
