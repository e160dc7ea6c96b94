#!/usr/bin/env bash
# Builds the C interop client into $1 (default Tests/Interop/build): C code
# for the messages from protoc-c (Debian's protobuf-c-compiler), linked with
# libprotobuf-c and libnghttp2 (libprotobuf-c-dev, libnghttp2-dev).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/build}
mkdir -p "$out/gen"
protos=(google/protobuf/timestamp.proto nomad/common/v1/common.proto nomad/identity/v1/identity.proto nomad/jobs/v1/jobs.proto)
protoc-c -I "$root/Protos" -I /usr/include --c_out="$out/gen" "${protos[@]}"
sources=()
for proto in "${protos[@]}"; do sources+=("$out/gen/${proto%.proto}.pb-c.c"); done
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -I "$out/gen" \
  -o "$out/nomad_client" "$here/nomad_client.c" "${sources[@]}" -lprotobuf-c -lnghttp2
echo "$out/nomad_client"
