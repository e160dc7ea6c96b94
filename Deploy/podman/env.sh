# Sourced by scripts/make-base-images.sh, scripts/compose-smoke.sh and
# scripts/failover-check.sh: podman with this repository's settings.
_podman_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CONTAINERS_CONF="${_podman_dir}/containers.conf"
export CONTAINERS_STORAGE_CONF="${_podman_dir}/storage.conf"
unset _podman_dir
