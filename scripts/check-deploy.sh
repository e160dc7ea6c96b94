#!/usr/bin/env bash
# Static checks of docker-compose.yml, Deploy/k8s and Deploy/Dockerfile against
# what `nomadctl up` runs (no Docker engine or cluster needed; CI runs this).
# Needs python3 with PyYAML and kubectl (with its built-in kustomize); installs
# what is missing where it can, and without kubectl skips the render, loudly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "check-deploy: installing PyYAML with pip"
  python3 -m pip install --quiet pyyaml 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages pyyaml 2>/dev/null \
    || { [[ $(id -u) == 0 ]] && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-yaml >/dev/null; } \
    || { echo "check-deploy: cannot install PyYAML (pip install pyyaml)" >&2; exit 1; }
fi

render=()
if ! command -v kubectl >/dev/null; then
  # The development machines have Google's `kubectl` Debian package (from the
  # packages.cloud.google.com/apt cloud-sdk-bookworm repository): use it if a
  # configured apt source offers it.
  if [[ $(id -u) == 0 ]] && apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    echo "check-deploy: installing kubectl with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y kubectl >/dev/null
  fi
fi
if command -v kubectl >/dev/null; then
  kubectl version --client 2>/dev/null | sed 's/^/check-deploy: /'
else
  echo "check-deploy: !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "check-deploy: !!! kubectl is not installed and no apt source offers it:          !!!" >&2
  echo "check-deploy: !!! Deploy/k8s is NOT rendered or checked; compose and the         !!!" >&2
  echo "check-deploy: !!! Dockerfile are. Install kubectl (>= 1.27) to check everything. !!!" >&2
  echo "check-deploy: !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  render=(--no-render)
fi

python3 scripts/check_deploy.py "${render[@]}"
