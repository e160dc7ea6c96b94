#!/bin/sh
# What the official nginx image's entrypoint does that compose relies on (see Containerfile).
set -eu
# The first nameserver only: the engine's own DNS, which knows the other containers.
# Podman lists the host's resolvers after its own (aardvark-dns); nginx would spread
# its queries over all of them and get "not found" for a container's name from those.
# (The official image lists every nameserver; Docker gives only 127.0.0.11.)
if [ -n "${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ]; then
  NGINX_LOCAL_RESOLVERS=$(awk '$1=="nameserver" {if ($2 ~ ":") print "["$2"]"; else print $2; exit}' /etc/resolv.conf)
  export NGINX_LOCAL_RESOLVERS
fi
if [ -d /etc/nginx/templates ]; then
  defined=$(printf '${%s} ' $(env | cut -d= -f1))
  for template in /etc/nginx/templates/*.template; do
    [ -f "$template" ] || continue
    out="/etc/nginx/conf.d/$(basename "$template" .template)"
    envsubst "$defined" < "$template" > "$out"
    echo "docker-entrypoint: $template -> $out"
  done
fi
exec "$@"
