#!/usr/bin/env bash
# The issue's run acceptance from the outside: `nomadctl up` (the README's run
# command) on spare ports with the demo seed, a standard gRPC health client and a
# few calls from Python's grpcio, /metrics, then SIGTERM: everything must stop and exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
# Below Linux's ephemeral range (32768-60999): a port in it can be taken at
# any moment as the source port of some outgoing connection (the services'
# own database connections included), and bind then fails.
grpc_port=${ACCEPTANCE_GRPC_PORT:-30151}
metrics_port=${ACCEPTANCE_METRICS_PORT:-9151}
# Two jobs replicas: on jobs_port and jobs_port + 10 (metrics likewise).
jobs_port=${ACCEPTANCE_JOBS_GRPC_PORT:-30152}
jobs_metrics_port=${ACCEPTANCE_JOBS_METRICS_PORT:-9152}

python3 -c 'import grpc, grpc_health, grpc_reflection' 2>/dev/null \
  || pip install --quiet --disable-pip-version-check grpcio grpcio-health-checking grpcio-reflection
# NOMAD_BIN_DIR: run binaries built elsewhere (CI passes its release build, the
# one the image ships); otherwise a debug build of each.
if [[ -n "${NOMAD_BIN_DIR:-}" ]]; then
  bin=$NOMAD_BIN_DIR
else
  for product in nomad-identity nomad-jobs nomad-assets nomad-events nomad-analytics nomad-portal nomadctl; do
    swift build --product "$product"
  done
  bin=$(swift build --show-bin-path)
fi

log=$(mktemp)
run_file=$(mktemp -u)
# --no-restart: a service that crashes fails the run rather than being restarted.
"$bin/nomadctl" up --no-restart --run-file "$run_file" --grpc-port "identity=$grpc_port" --metrics-port "identity=$metrics_port" \
  --grpc-port "jobs=$jobs_port" --metrics-port "jobs=$jobs_metrics_port" --jobs-replicas 2 \
  --grpc-port "assets=$((grpc_port + 2))" --metrics-port "assets=$((metrics_port + 2))" \
  --grpc-port "events=$((grpc_port + 3))" --metrics-port "events=$((metrics_port + 3))" \
  --grpc-port "analytics=$((grpc_port + 4))" --metrics-port "analytics=$((metrics_port + 4))" \
  --grpc-port "portal=$((grpc_port + 5))" --metrics-port "portal=$((metrics_port + 5))" --seed >"$log" 2>&1 &
up=$!
trap 'kill -TERM $up 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 240); do
  grep -q "Nomad Zone is running" "$log" && break
  kill -0 $up 2>/dev/null || { cat "$log"; echo "nomadctl up died" >&2; exit 1; }
  sleep 0.5
done
grep -q "Nomad Zone is running" "$log" || { cat "$log"; echo "nomadctl up did not come up" >&2; exit 1; }
# --seed waits until analytics counts what it entered, and says so.
grep -E "^nomadctl: demo data in analytics: .*certified_nomads 4, .*event_attendance 2" "$log" \
  || { cat "$log"; echo "the demo seed did not reach analytics" >&2; exit 1; }
password=$(sed -n 's/.*admin *username admin *password \([^ ]*\).*/\1/p' "$log" | head -1)
"$bin/nomadctl" health --address "127.0.0.1:$grpc_port"
# The portal answers healthy (every service SERVING) and renders the public catalogue.
portal="http://127.0.0.1:$((grpc_port + 5))"
python3 - "$portal" <<'PY'
import sys, urllib.request
base = sys.argv[1]
with urllib.request.urlopen(base + "/healthz", timeout=10) as r:
    assert r.status == 200, r.status
with urllib.request.urlopen(urllib.request.Request(base + "/catalogue", headers={"Accept-Language": "ru"}), timeout=10) as r:
    page = r.read().decode()
    assert 'lang="ru"' in page and 'data-page="catalogue"' in page, page[:300]
    assert r.headers["Content-Security-Policy"] and r.headers["X-Content-Type-Options"] == "nosniff"
print(f"portal: {base} healthy, the catalogue renders in Russian with its security headers")
PY
python3 scripts/acceptance_check.py "127.0.0.1:$grpc_port" "$password" "http://127.0.0.1:$metrics_port/metrics" \
  "127.0.0.1:$jobs_port" "127.0.0.1:$((jobs_port + 10))"

# A generic client with no .proto files: server reflection on every service.
python3 scripts/reflection_check.py "$password" "127.0.0.1:$grpc_port" "127.0.0.1:$jobs_port" \
  "127.0.0.1:$((grpc_port + 2))" "127.0.0.1:$((grpc_port + 3))" "127.0.0.1:$((grpc_port + 4))"

# A department's C client (protobuf-c + nghttp2, no Swift) logs in and lists jobs.
# It sees the demo seed's three open jobs.
client=$(bash Tests/Interop/build.sh "$(mktemp -d)" | tail -1)
listed=$("$client" "127.0.0.1:$grpc_port" "127.0.0.1:$jobs_port" admin <<<"$password") \
  || { echo "$listed"; echo "the C interop client failed" >&2; exit 1; }
echo "$listed"
grep -q "^open jobs: 3$" <<<"$listed" || { echo "the C client should list the 3 seeded jobs" >&2; exit 1; }

# `nomadctl status` sees every process SERVING, with its pid, memory and calls served.
status=$("$bin/nomadctl" status --run-file "$run_file") || { echo "$status"; echo "nomadctl status failed" >&2; exit 1; }
echo "$status"
grep -Eq "^portal +http://127\.0\.0\.1:[0-9]+/ +SERVING +[0-9]+ +[0-9.]+ MiB" <<<"$status" || { echo "status lacks the portal" >&2; exit 1; }
# This suite's own processes, by pid (never machine-wide by name: other suites may run here).
pids=$(python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(open(sys.argv[1]))["processes"]))' "$run_file")
for name in identity jobs-1 jobs-2 assets events analytics; do
  grep -Eq "^$name +127\.0\.0\.1:[0-9]+ +SERVING +[0-9]+ +[0-9.]+ MiB +[0-9]+" <<<"$status" || { echo "status lacks $name" >&2; exit 1; }
done
grep -Eq "^identity +.* MiB +[1-9][0-9]*" <<<"$status" || { echo "status should count identity's calls (the seed made some)" >&2; exit 1; }

kill -TERM $up
rc=0; wait $up || rc=$?
trap - EXIT
if ((rc != 0)); then cat "$log"; echo "nomadctl up exited $rc after SIGTERM" >&2; exit 1; fi
for name in identity jobs-1 jobs-2 assets events analytics portal; do
  grep -q "$name stopped: exited with 0" "$log" || { cat "$log"; echo "$name did not exit 0" >&2; exit 1; }
done
for pid in $pids; do
  if kill -0 "$pid" 2>/dev/null; then echo "process $pid of this suite is left" >&2; exit 1; fi
done
if [ -e "$run_file" ]; then echo "nomadctl up left its run file behind" >&2; exit 1; fi
rm -f "$log"
echo "run acceptance: ok (nomadctl up --seed with 2 jobs replicas and analytics, the seed counted in analytics, health SERVING, nomadctl status, tokens across services, metrics, reflection, the C client, the portal, SIGTERM exit 0)"
