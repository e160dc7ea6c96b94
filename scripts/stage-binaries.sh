#!/usr/bin/env bash
# Lays out what one image ships, from a release build (scripts/build-release.sh):
#   bash scripts/stage-binaries.sh [--out DIR] [--from DIR] PRODUCT...
# gives DIR/PRODUCT/service (the executable), DIR/PRODUCT/nomadctl (its health
# check) and, for nomad-portal, DIR/PRODUCT/NomadZone_Portal.resources (templates,
# catalogues, static files), which the portal finds beside its executable.
# Binaries are stripped (about 220 MB each otherwise). DIR defaults to
# .build/image, which Deploy/Dockerfile's runtime-prebuilt target copies from;
# the Dockerfile's own build stage runs this script too (--out /out).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=.build/image
from=.build/release
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --from) from=$2; shift 2 ;;
    *) break ;;
  esac
done
(($# > 0)) || { echo "usage: $0 [--out DIR] [--from DIR] PRODUCT..." >&2; exit 2; }

# strip_to SOURCE TARGET: skipped when TARGET is newer than SOURCE.
strip_to() {
  [[ -x $1 ]] || { echo "stage-binaries: $1 is missing; run scripts/build-release.sh first" >&2; exit 1; }
  [[ $2 -nt $1 ]] && return
  strip -o "$2.tmp" "$1" && mv "$2.tmp" "$2"
}

for product in "$@"; do
  dir="$out/$product"
  mkdir -p "$dir"
  strip_to "$from/$product" "$dir/service"
  strip_to "$from/nomadctl" "$dir/nomadctl"
  if [[ $product == nomad-portal ]]; then
    bundle="$from/NomadZone_Portal.resources"
    [[ -f $bundle/templates/layout.mustache ]] || { echo "stage-binaries: no $bundle" >&2; exit 1; }
    rm -rf "$dir/NomadZone_Portal.resources"
    cp -R "$bundle" "$dir/NomadZone_Portal.resources"
  fi
  chmod -R a+rX "$dir"
done
