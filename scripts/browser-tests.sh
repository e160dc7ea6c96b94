#!/usr/bin/env bash
# The portal in a real Chromium: `nomadctl up --seed` (the README's run command,
# portal included) on spare ports, then Tests/Browser/journey.py in en, zh-CN,
# ru and ar and once with JavaScript off. Screenshots of every page visited and
# axe's findings go to $NOMAD_SCREENSHOT_DIR (default: browser-screenshots/).
#   bash scripts/browser-tests.sh            debug binaries (built here)
#   NOMAD_BIN_DIR=.build/release bash scripts/browser-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v zbarimg >/dev/null || need+=(zbar-tools)
[[ -d /usr/share/fonts/opentype/noto ]] || need+=(fonts-noto-cjk fonts-noto-core)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "${need[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }
fi
python3 -c 'import selenium, axe_selenium_python, grpc, grpc_reflection, cryptography' 2>/dev/null \
  || pip install --quiet --disable-pip-version-check selenium axe-selenium-python grpcio grpcio-reflection cryptography

if [[ -n "${NOMAD_BIN_DIR:-}" ]]; then
  bin=$NOMAD_BIN_DIR
else
  for product in nomad-identity nomad-jobs nomad-assets nomad-events nomad-analytics nomad-portal nomadctl; do
    swift build --product "$product"
  done
  bin=$(swift build --show-bin-path)
fi

base=$((30000 + RANDOM % 2000 * 10))
ports=()
for i in 0 1 2 3 4; do
  service=(identity jobs assets events analytics)
  ports+=(--grpc-port "${service[$i]}=$((base + i))" --metrics-port "${service[$i]}=$((base + 100 + i))")
done
portal_port=$((base + 5))
ports+=(--grpc-port "portal=$portal_port" --metrics-port "portal=$((base + 105))")
log=$(mktemp)
"$bin/nomadctl" up --no-restart --run-file "$(mktemp -u)" "${ports[@]}" --seed >"$log" 2>&1 &
up=$!
trap 'kill -TERM $up 2>/dev/null || true; wait $up 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 240); do
  grep -q "Nomad Zone is running" "$log" && break
  kill -0 $up 2>/dev/null || { cat "$log"; echo "nomadctl up died" >&2; exit 1; }
  sleep 0.5
done
grep -q "Nomad Zone is running" "$log" || { cat "$log"; echo "nomadctl up did not come up" >&2; exit 1; }

export NOMAD_PORTAL_URL="http://127.0.0.1:$portal_port"
# The suite's admin, as nomadctl up printed it (admin.py signs in with it).
NOMAD_ADMIN_PASSWORD=$(sed -n 's/^ *admin  *username admin  *password \([^ ]*\).*$/\1/p' "$log" | head -1)
export NOMAD_ADMIN_PASSWORD
export NOMAD_SCREENSHOT_DIR="${NOMAD_SCREENSHOT_DIR:-$(pwd)/browser-screenshots}"
rm -rf "$NOMAD_SCREENSHOT_DIR"
python3 Tests/Browser/journey.py "127.0.0.1:$base" "127.0.0.1:$((base + 1))" "127.0.0.1:$((base + 3))" "127.0.0.1:$((base + 4))" "127.0.0.1:$((base + 2))" || { tail -50 "$log"; exit 1; }
echo "screenshots:"; ls "$NOMAD_SCREENSHOT_DIR"
