#!/usr/bin/env bash
# The code's one layout (.swift-format, the toolchain's swift-format):
#   scripts/format.sh          rewrite every hand-written Swift file
#   scripts/format.sh --check  fail, naming the places, where a file differs from it
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
# Generated code (Shared/NomadProtos) keeps protoc's layout; the drift check guards it.
paths=(Package.swift Services Shared/NomadKit Shared/NomadLocal Shared/NomadTesting Tests)
if [[ ${1:-} == --check ]]; then
  swift format lint --strict --recursive --parallel "${paths[@]}"
  echo "format check: every file is laid out as .swift-format says"
else
  swift format format --in-place --recursive --parallel "${paths[@]}"
fi
