#!/usr/bin/env bash
# Makes the base images Deploy/Dockerfile and docker-compose.yml name, locally
# from Debian packages, so that no build or run reaches a container registry
# (none is reachable on the development and CI machines):
#   localhost/debian:bookworm-slim  debootstrap --variant=minbase of bookworm
#   localhost/postgres:15           Debian's postgresql-15 with the official image's
#                                   entrypoint behaviour (Deploy/base-images/postgres)
#   localhost/nginx:1.28-alpine     Debian's nginx 1.22 standing in for the jobs-lb
#                                   image (Deploy/base-images/nginx)
#   bash scripts/make-base-images.sh [--force]
# An image that already exists is kept (--force remakes all). Podman runs with
# the repository's settings (Deploy/podman). Needs root, podman, debootstrap.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source Deploy/podman/env.sh
force=false
[[ ${1:-} == --force ]] && force=true
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

exists() { ! $force && podman image exists "$1"; }

if exists localhost/debian:bookworm-slim; then
  echo "make-base-images: localhost/debian:bookworm-slim exists"
else
  root=$(mktemp -d /var/tmp/nomad-debootstrap.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "make-base-images: debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 \
    || { tail -20 "$root.log"; rm -f "$root.log"; exit 1; }
  rm -f "$root.log"
  cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
  # Slim as the official image: no apt lists, caches, man pages or docs.
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/man/* \
    "$root"/usr/share/doc/* "$root"/usr/share/info/* "$root"/var/log/*.log "$root"/tmp/*
  # Like the official image: apt never keeps downloaded packages or installs recommends.
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$root/etc/apt/apt.conf.d/90nomad-slim"
  chmod 755 "$root"   # mktemp made it 0700: it becomes the image's /, which every user must traverse
  tar -C "$root" -c . | podman import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - localhost/debian:bookworm-slim
  rm -rf "$root"; trap - EXIT
fi

for spec in "postgres:15:postgres" "nginx:1.28-alpine:nginx"; do
  image=localhost/${spec%:*}; dir=Deploy/base-images/${spec##*:}
  if exists "$image"; then
    echo "make-base-images: $image exists"
  else
    echo "make-base-images: building $image from $dir"
    podman build --pull=never --build-arg BASE_IMAGE=localhost/debian:bookworm-slim \
      --label org.nomad-zone.stand-in=true -t "$image" "$dir"
  fi
done
podman images --filter reference=localhost/debian --filter reference=localhost/postgres --filter reference=localhost/nginx
