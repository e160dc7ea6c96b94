#!/usr/bin/env bash
# The compose topology run for real, with podman and podman-compose (CI runs it):
#   bash scripts/compose-smoke.sh          # after scripts/build-release.sh (NOMAD_BIN_DIR
#                                          # names another release build)
# 1. installs what it uses when missing (podman, runc, debootstrap, podman-compose, grpcio);
# 2. makes the base images (scripts/make-base-images.sh, kept when present) and the six
#    images from the release build (Deploy/Dockerfile --target runtime-prebuilt);
# 3. brings docker-compose.yml up under a project name of its own, with throwaway
#    secrets, host ports on 127.0.0.1 only, and waits until every container is healthy
#    by its own healthcheck;
# 4. checks: the demo seed (nomadctl seed) and the C client through the published
#    ports; jobs calls spread over the three replicas behind nginx (each replica's
#    own /metrics); every service process non-root; no service's database role can
#    read another's schema; the portal's /healthz and a public page; a `podman kill`
#    of one jobs replica loses no acknowledged claim;
# 5. `compose stop`: every container stops within its grace period (the services exit
#    0 after draining), then `compose down` removes containers, network and volume.
# It looks only at its own project's containers, and cleans up after itself on any exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
source Deploy/podman/env.sh
started=$SECONDS
say() { echo "compose-smoke: $*"; }
# The reason is said again after the containers' logs (cleanup), so it is the last
# line of the output, which is all a CI summary may show.
failure=""
fail() { failure="$*"; echo "compose-smoke: FAILED: $*" >&2; exit 1; }

# ------------------------------------------------------------------ tools
missing=()
for tool in podman runc debootstrap openssl protoc-c; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
missing=("${missing[@]/protoc-c/protobuf-c-compiler}")
[[ -x /usr/lib/podman/netavark ]] || missing+=(netavark)
[[ -x /usr/lib/podman/aardvark-dns ]] || missing+=(aardvark-dns)   # name resolution between containers
# netavark sets up bridge networks with iptables; without it every networked
# container (a RUN step with apt included) fails with "netavark: No such file or directory".
command -v iptables >/dev/null || missing+=(iptables)
[[ -f /usr/include/protobuf-c/protobuf-c.h ]] || missing+=(libprotobuf-c-dev)
[[ -f /usr/include/nghttp2/nghttp2.h ]] || missing+=(libnghttp2-dev)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
fi
pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$@" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$@"
}
command -v podman-compose >/dev/null || { say "installing podman-compose (PyPI)"; pip_install podman-compose; }
python3 -c 'import grpc, grpc_tools' 2>/dev/null || { say "installing grpcio, grpcio-tools (PyPI)"; pip_install grpcio grpcio-tools; }
say "$(podman --version), $(podman-compose --version 2>/dev/null | grep -i podman-compose | head -1), $(runc --version | head -1)"

# ------------------------------------------------------------------ images
bin=${NOMAD_BIN_DIR:-$repo/.build/release}
products=(nomad-identity nomad-jobs nomad-assets nomad-events nomad-analytics nomad-portal)
for product in "${products[@]}" nomadctl; do
  [[ -x $bin/$product ]] || fail "$bin/$product is missing: run scripts/build-release.sh ${products[*]} nomadctl first"
done
# vfs storage copies every layer: the images and the database need about 6 GiB.
storage=$(podman info --format '{{.Store.GraphRoot}}' 2>/dev/null || echo /var/lib/containers)
mkdir -p "$storage"
free_kib=$(df -Pk "$storage" | awk 'NR == 2 {print $4}')
say "free space under $storage: $((free_kib / 1024 / 1024)) GiB"
((free_kib > 6 * 1024 * 1024)) || fail "less than 6 GiB free under $storage: remove unused images (podman images) first"
step_start=$SECONDS
bash scripts/make-base-images.sh >/dev/null
say "base images ready ($((SECONDS - step_start))s)"
step_start=$SECONDS
bash scripts/stage-binaries.sh --from "$bin" "${products[@]}"
for product in "${products[@]}"; do
  tag="localhost/nomad-zone/${product#nomad-}:latest"
  previous=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  # The runtime stage the cloud's images use, on binaries CI already built; nothing is pulled.
  podman build --quiet --pull=never -f Deploy/Dockerfile --target runtime-prebuilt \
    --build-arg PRODUCT="$product" -t "$tag" . >/dev/null \
    || fail "podman build of $product failed"
  # The image this build replaced would stay behind untagged; with vfs storage each run
  # would leave about 3 GB on a disk CI shares, so it goes (unless a container uses it).
  current=$(podman image inspect --format '{{.Id}}' "$tag")
  if [[ -n $previous && $previous != "$current" ]]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
done
say "images built from the release build ($((SECONDS - step_start))s):"
podman images --format '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' | grep -E '^localhost/(nomad-zone/|debian|postgres|nginx)' | sed 's/^/  /'

# ------------------------------------------------------------------ a project of our own
project="nomad-smoke-$$"
work=$(mktemp -d /var/tmp/nomad-compose-smoke.XXXXXX)
compose=(podman-compose --project-name "$project" --file "$work/docker-compose.yml")
cleanup() {
  local rc=$?
  if ((rc != 0)); then
    say "logs of $project's containers (last 15 lines each):"
    for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
      echo "--- $c ($(podman inspect --format '{{.State.Status}}, exit {{.State.ExitCode}}, started {{.State.StartedAt}}, finished {{.State.FinishedAt}}' "$c" 2>/dev/null))"
      podman logs --tail 15 "$c" 2>&1 | sed 's/^/    /'
    done
    [[ -z $failure ]] || echo "compose-smoke: FAILED: $failure (the containers' logs are above)" >&2
  fi
  "${compose[@]}" down --volumes --timeout 5 >/dev/null 2>&1 || true
  # Anything of this project's that compose left: by its label and names, never by image.
  local left
  left=$(podman ps -aq --filter "label=io.podman.compose.project=$project")
  [[ -z $left ]] || podman rm -f -v -t 0 $left >/dev/null 2>&1 || true
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  podman volume rm -f "${project}_pgdata" >/dev/null 2>&1 || true
  podman pod rm -f "pod_${project}" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# The compose file with the files it mounts, and throwaway secrets made as
# Deploy/secrets/README.md says: the repository's own Deploy/secrets is never touched.
cp docker-compose.yml "$work/"
mkdir -p "$work/Deploy/secrets"
cp -R Deploy/db Deploy/nginx "$work/Deploy/"
(
  umask 022; cd "$work/Deploy/secrets"
  openssl rand -hex 24 > postgres_password
  for service in identity jobs assets events analytics; do
    openssl rand -hex 24 > "${service}_db_password"
    openssl rand -hex 24 > "${service}_db_owner_password"
  done
  openssl rand -base64 24 > admin_password
  "$bin/nomadctl" keygen --key-id "smoke-$$" > keys.env.private
  sed -n 's/^NOMAD_SIGNING_KEY=//p' keys.env.private > signing_key
  grep '^NOMAD_VERIFY_KEYS=' keys.env.private > ../../.env
  "$bin/nomadctl" keygen --key-id "events-ticket-$$" | sed -n 's/^NOMAD_SIGNING_KEY=//p' > events_ticket_key
  "$bin/nomadctl" keygen --key-id "service-$$" | sed -n 's/^NOMAD_SIGNING_KEY=//p' > service_token_key
  "$bin/nomadctl" keygen --data --key-id "data-$$" > data.env.private
  sed -n 's/^NOMAD_DATA_KEYS=//p' data.env.private > data_keys
  sed -n 's/^NOMAD_DATA_HASH_KEY=//p' data.env.private > data_hash_key
  openssl rand -hex 32 > portal_session_key
  rm keys.env.private data.env.private
)
secrets=$work/Deploy/secrets
admin_password=$(<"$secrets/admin_password")
export NOMAD_VERIFY_KEYS; NOMAD_VERIFY_KEYS=$(sed -n 's/^NOMAD_VERIFY_KEYS=//p' "$work/.env")

# Host ports on loopback, off the suite's defaults (so a `nomadctl up` may run beside
# it) and below Linux's ephemeral range: gRPC 31051..31055, metrics 32051..32056, portal 31080.
base=${SMOKE_PORT_BASE:-31000}
export NOMAD_PUBLISH_IP=127.0.0.1
declare -A grpc_port metrics_port
for pair in identity:51 jobs:52 assets:53 events:54 analytics:55; do
  name=${pair%:*}; n=${pair#*:}
  grpc_port[$name]=$((base + n)); metrics_port[$name]=$((base + 1000 + n))
  export "NOMAD_${name^^}_PUBLISH_PORT=${grpc_port[$name]}" "NOMAD_${name^^}_METRICS_PUBLISH_PORT=${metrics_port[$name]}"
done
export NOMAD_PORTAL_PUBLISH_PORT=$((base + 80)) NOMAD_PORTAL_METRICS_PUBLISH_PORT=$((base + 1056))
for port in "${grpc_port[@]}" "${metrics_port[@]}" "$NOMAD_PORTAL_PUBLISH_PORT" "$NOMAD_PORTAL_METRICS_PUBLISH_PORT"; do
  python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null \
    || fail "127.0.0.1:$port is taken (set SMOKE_PORT_BASE)"
done

containers_of() {  # the containers of one compose service of this project
  podman ps -a --filter "label=io.podman.compose.project=$project" --filter "label=com.docker.compose.service=$1" \
    --format '{{.Names}}' | sort
}
# Podman runs healthchecks from systemd timers, and there is no systemd here: run each
# container's own healthcheck (`podman healthcheck run`) until it reports healthy.
wait_healthy() {
  local deadline=$((SECONDS + $1)); shift
  local pending=("$@") next=() c state
  while ((${#pending[@]})); do
    next=()
    for c in "${pending[@]}"; do
      state=$(podman inspect --format '{{.State.Status}}' "$c")
      [[ $state == running ]] || fail "$c is $state, not running"
      if podman healthcheck run "$c" >/dev/null 2>&1; then say "  $c healthy ($((SECONDS - up_start))s)"; else next+=("$c"); fi
    done
    pending=("${next[@]}")
    ((${#pending[@]} == 0)) || ((SECONDS < deadline)) || fail "not healthy in time: ${pending[*]}"
    ((${#pending[@]} == 0)) || sleep 2
  done
}

# podman-compose does not wait for `condition: service_healthy` with podman < 4.6
# (it warns and goes on), so the script starts compose's dependency order itself:
# PostgreSQL, then the five services, then what depends on them being healthy.
say "compose up, project $project"
up_start=$SECONDS
"${compose[@]}" up -d --no-build postgres >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "compose up postgres"; }
wait_healthy 120 $(containers_of postgres)
"${compose[@]}" up -d --no-build --no-deps identity jobs assets events analytics >>"$work/up.log" 2>&1 \
  || { cat "$work/up.log"; fail "compose up of the services"; }
services=()
for s in identity jobs assets events analytics; do services+=($(containers_of "$s")); done
(($(containers_of jobs | wc -l) == 3)) || fail "expected 3 jobs replicas, got $(containers_of jobs | tr '\n' ' ')"
wait_healthy 180 "${services[@]}"
"${compose[@]}" up -d --no-build --no-deps jobs-lb portal >>"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "compose up jobs-lb portal"; }
wait_healthy 120 $(containers_of jobs-lb) $(containers_of portal)
say "every container healthy in $((SECONDS - up_start))s:"
podman ps --filter "label=io.podman.compose.project=$project" --format '  {{.Names}} {{.Image}} {{.Status}} {{.Ports}}'

# ------------------------------------------------------------------ checks
address() { echo "127.0.0.1:${grpc_port[$1]}"; }
say "demo seed through the published ports (nomadctl seed)"
"$bin/nomadctl" seed --identity "$(address identity)" --jobs "$(address jobs)" --assets "$(address assets)" \
  --events "$(address events)" --analytics "$(address analytics)" <<<"$admin_password" >"$work/seed.log" 2>&1 \
  || { cat "$work/seed.log"; fail "nomadctl seed"; }
grep -E "demo data in analytics: .*certified_nomads 4, .*event_attendance 2" "$work/seed.log" \
  || { cat "$work/seed.log"; fail "the seed did not reach analytics"; }

say "the C client (protobuf-c + nghttp2) through the published ports"
client=$(bash Tests/Interop/build.sh "$work/interop" | tail -1)
listed=$("$client" "$(address identity)" "$(address jobs)" admin <<<"$admin_password") || { echo "$listed"; fail "the C client"; }
echo "$listed" | sed 's/^/  /'
grep -q "^open jobs: 3$" <<<"$listed" || fail "the C client should list the 3 seeded jobs"

say "jobs calls spread over the replicas behind jobs-lb (each replica's own /metrics)"
jobs_metrics=()
for c in $(containers_of jobs); do
  ip=$(podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$c")
  jobs_metrics+=("http://$ip:9052/metrics")
done
python3 scripts/compose_smoke_check.py spread "$(address jobs)" "${jobs_metrics[@]}"

say "every process of every service container runs as a non-root user"
for c in "${services[@]}" $(containers_of portal); do
  top=$(podman top "$c" user huser pid args | tail -n +2)
  if awk '$1 == "root" || $1 == "0" || $2 == "root" || $2 == "0" {bad=1} END {exit !bad}' <<<"$top"; then
    echo "$top"; fail "$c runs a process as root"
  fi
  echo "  $c: $(awk '{printf "%s(host uid %s) pid %s %s; ", $1, $2, $3, $4}' <<<"$top")"
done

say "no service's database roles can read another service's schema"
pg=$(containers_of postgres)
schemas=(identity jobs assets events analytics)
for t in "${schemas[@]}"; do
  [[ $(podman exec "$pg" psql -U postgres -d nomad -Atc "SELECT to_regclass('\"$t\".schema_migrations') IS NOT NULL") == t ]] \
    || fail "$t.schema_migrations does not exist (the check would prove nothing)"
done
denied=0
for s in "${schemas[@]}"; do
  for role in "nomad_$s" "nomad_${s}_owner"; do
    file=${s}_db_password; [[ $role == *_owner ]] && file=${s}_db_owner_password
    own=$(podman exec -e PGPASSWORD="$(<"$secrets/$file")" "$pg" psql -h 127.0.0.1 -U "$role" -d nomad -Atc \
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = '$s'") || fail "$role cannot log in"
    ((own > 0)) || fail "$role sees no table of its own schema $s (the check would prove nothing)"
    for t in "${schemas[@]}"; do
      [[ $t == "$s" ]] && continue
      if out=$(podman exec -e PGPASSWORD="$(<"$secrets/$file")" "$pg" psql -h 127.0.0.1 -U "$role" -d nomad -Atc \
        "SELECT count(*) FROM \"$t\".schema_migrations" 2>&1); then
        fail "$role read $t.schema_migrations: $out"
      fi
      grep -q "permission denied for schema $t" <<<"$out" || fail "$role on $t: unexpected answer: $out"
      denied=$((denied + 1))
    done
  done
done
say "  ${denied} of $((10 * 4)) cross-schema reads refused (permission denied for schema), each role sees its own tables"

say "the portal through its published port"
python3 - "http://127.0.0.1:$NOMAD_PORTAL_PUBLISH_PORT" <<'PY'
import sys, urllib.request
base = sys.argv[1]
with urllib.request.urlopen(base + "/healthz", timeout=10) as r:
    body = r.read().decode()
    assert r.status == 200 and "SERVING" in body, (r.status, body)
with urllib.request.urlopen(urllib.request.Request(base + "/catalogue", headers={"Accept-Language": "ru"}), timeout=10) as r:
    page = r.read().decode()
    assert r.status == 200 and 'lang="ru"' in page and 'data-page="catalogue"' in page, page[:300]
    assert r.headers["Content-Security-Policy"] and r.headers["X-Content-Type-Options"] == "nosniff"
with urllib.request.urlopen(urllib.request.Request(base + "/jobs", headers={"Accept-Language": "en"}), timeout=10) as r:
    jobs = r.read().decode()
    assert r.status == 200 and "Danzhou tourism mini-program" in jobs, jobs[:300]
print(f"  {base}/healthz 200 {body.strip()[:80]}; /catalogue renders in Russian with its security headers; "
      "/jobs lists a seeded job (through jobs-lb)")
PY

replicas=($(containers_of jobs))
victim=${replicas[1]}
say "podman kill of $victim while the demo nomads claim seats through jobs-lb"
python3 scripts/compose_smoke_check.py claims "$(address identity)" "$(address jobs)" -- podman kill "$victim"
[[ $(podman inspect --format '{{.State.Status}}' "$victim") != running ]] || fail "$victim still runs"
wait_healthy 30 "${replicas[0]}" "${replicas[2]}"

# ------------------------------------------------------------------ database failover
# A primary switch loses no acknowledged write: nomads keep claiming through jobs-lb
# while (1) the primary is stopped and started again on its volume, then (2) a
# synchronous streaming standby is promoted with `pg_ctl promote` and takes the name
# "postgres". Claims that got no answer are retried with their request_id; every
# acknowledged one must be found afterwards, on the new primary.
standby=""
if [[ ${SMOKE_FAILOVER:-1} == 1 ]]; then
  live=()
  for c in "${services[@]}"; do [[ $c == "$victim" ]] || live+=("$c"); done
  say "failover 1: the primary stopped and started on the same data while the nomads claim"
  python3 scripts/compose_smoke_check.py claims "$(address identity)" "$(address jobs)" --jobs 20 --pace 0.3 \
    -- bash scripts/pg-switch.sh restart "$pg"
  wait_healthy 120 "${live[@]}"

  say "failover 2: a synchronous streaming standby, promoted while the nomads claim"
  replication_password=$(openssl rand -hex 16)
  podman exec -i "$pg" psql -q -U postgres -v ON_ERROR_STOP=1 -v pw="$replication_password" \
    <<<"CREATE ROLE replicator REPLICATION LOGIN PASSWORD :'pw';" >/dev/null
  podman exec "$pg" bash -c 'echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"'
  podman exec "$pg" psql -q -U postgres -Atc "SELECT pg_reload_conf()" >/dev/null
  standby="${project}_postgres_standby"
  podman run -d --pull=never --name "$standby" --label "io.podman.compose.project=$project" \
    --network "${project}_default" --user postgres -e PGPASSWORD="$replication_password" --entrypoint bash \
    postgres:15 -c 'pg_basebackup -h postgres -U replicator -D "$PGDATA" -R -X stream -c fast \
      && exec postgres -c cluster_name=standby1 -c log_error_verbosity=terse' >/dev/null
  for _ in $(seq 1 60); do
    # The standby's own WAL receiver (pg_basebackup's stream shows up here too, earlier).
    [[ $(podman exec "$pg" psql -U postgres -Atc \
      "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'standby1' AND state = 'streaming'") == 1 ]] && break
    sleep 1
  done
  podman exec "$pg" psql -q -U postgres -Atc "ALTER SYSTEM SET synchronous_standby_names = 'standby1'" -c "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 30); do
    [[ $(podman exec "$pg" psql -U postgres -Atc "SELECT sync_state FROM pg_stat_replication") == sync ]] && break
    sleep 1
  done
  replication=$(podman exec "$pg" psql -U postgres -Atc "SELECT application_name, state, sync_state FROM pg_stat_replication")
  say "  the primary's pg_stat_replication: $replication"
  [[ $replication == "standby1|streaming|sync" ]] || fail "the standby is not a synchronous streaming standby"
  python3 scripts/compose_smoke_check.py claims "$(address identity)" "$(address jobs)" --jobs 20 --pace 0.3 \
    -- bash scripts/pg-switch.sh promote "$pg" "$standby" "${project}_default"
  wait_healthy 120 "${live[@]}" $(containers_of portal)
  say "  after the promotion: $pg $(podman inspect --format '{{.State.Status}}' "$pg"), $standby in recovery: $(podman exec "$standby" psql -U postgres -Atc 'SELECT pg_is_in_recovery()')"
fi

# ------------------------------------------------------------------ stop within the grace period
# Everything at once, as podman-compose stops (Docker Compose stops in reverse dependency
# order): the harder case, where a relay or poller is still calling a peer whose
# container is going away. Every container must exit 0 within its grace period.
say "compose stop, all at once (stop_grace_period 30s; services drain for up to 20s and exit 0)"
stop_start=$SECONDS
"${compose[@]}" stop >>"$work/stop.log" 2>&1 || { cat "$work/stop.log"; fail "compose stop"; }
# The promoted standby is not compose's: stopped the same way, after the services.
[[ -z $standby ]] || podman stop -t 30 "$standby" >/dev/null
stop_took=$((SECONDS - stop_start))
bad=()
for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
  read -r status code <<<"$(podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$c")"
  [[ $status == exited ]] || bad+=("$c:$status")
  if [[ $c == "$victim" ]]; then
    echo "  $c: $status, exit $code (killed above)"
  else
    echo "  $c: $status, exit $code"
    # 137: killed at the end of its grace period; 132: the service group's cancellation
    # overran (Lifecycle/BoundedShutdownService.swift is there to prevent it).
    [[ $code == 0 ]] || { bad+=("$c:exit-$code"); podman logs --tail 20 "$c" 2>&1 | sed "s/^/    $c: /"; }
  fi
done
((${#bad[@]} == 0)) || fail "not stopped cleanly within the grace period: ${bad[*]}"
# One stop of everything and the standby's, each within its stop_grace_period (30 s).
containers=$(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}' | wc -l)
((stop_took < 2 * 30)) || fail "stop took ${stop_took}s"
say "  all ${containers} containers stopped in ${stop_took}s, each exit 0"
[[ -z $standby ]] || podman rm -v "$standby" >/dev/null
"${compose[@]}" down --volumes >"$work/down.log" 2>&1 || { cat "$work/down.log"; fail "compose down"; }
left=$(podman ps -aq --filter "label=io.podman.compose.project=$project" | wc -l)
((left == 0)) || fail "$left containers left after compose down"
! podman network exists "${project}_default" 2>/dev/null || fail "network ${project}_default left"
! podman volume exists "${project}_pgdata" 2>/dev/null || fail "volume ${project}_pgdata left"
say "compose down: no container, network or volume of $project left"
say "passed in $((SECONDS - started))s"
