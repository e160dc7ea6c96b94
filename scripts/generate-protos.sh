#!/usr/bin/env bash
# Regenerates Shared/NomadProtos from Protos/ with Debian's protoc and the
# plugins built from the pinned package versions.
#   scripts/generate-protos.sh           rewrite Shared/NomadProtos
#   scripts/generate-protos.sh --check   regenerate into a temp dir and fail on any drift
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

command -v protoc >/dev/null || { echo "protoc missing: apt-get install protobuf-compiler" >&2; exit 1; }

plugins="$root/scripts/protoc-plugins"
scratch="$root/.build-protoc"
swift build -c release --package-path "$plugins" --scratch-path "$scratch" \
  --product protoc-gen-swift >&2
swift build -c release --package-path "$plugins" --scratch-path "$scratch" \
  --product protoc-gen-grpc-swift-2 >&2
bin=$(swift build -c release --package-path "$plugins" --scratch-path "$scratch" --show-bin-path)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mapfile -t files < <(cd Protos && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
protoc \
  --plugin="$bin/protoc-gen-swift" \
  --plugin="$bin/protoc-gen-grpc-swift-2" \
  -I Protos \
  --swift_out="$out" --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
  --grpc-swift-2_out="$out" \
  --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true,FileNaming=PathToUnderscores \
  "${files[@]}"

if [ "${1:-}" = "--check" ]; then
  if diff -ru "$root/Shared/NomadProtos" "$out"; then
    echo "protobuf drift check: generated code is up to date"
  else
    echo "protobuf drift check FAILED: run scripts/generate-protos.sh and commit" >&2
    exit 1
  fi
else
  rm -rf "$root/Shared/NomadProtos"
  mkdir -p "$root/Shared/NomadProtos"
  cp "$out"/*.swift "$root/Shared/NomadProtos/"
  echo "regenerated $(ls "$root/Shared/NomadProtos" | wc -l) files into Shared/NomadProtos"
fi
