#!/usr/bin/env bash
# Release build of the given products, statically linked with the Swift
# standard library so the runtime image needs no toolchain:
#   bash scripts/build-release.sh nomad-identity nomadctl
# Deploy/Dockerfile and .ci/run both call this script; scripts/check_deploy.py checks
# they still do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
(($# > 0)) || { echo "usage: $0 PRODUCT..." >&2; exit 2; }
for product in "$@"; do
  swift build -c release --static-swift-stdlib --product "${product}"
done
