#!/usr/bin/env bash
# Builds the vmesos images with Jib onto the local base image, with no registry:
#   vmesos/master, vmesos/agent, vmesos/examples (tags latest and the project version)
# into the local Docker engine, and as image tarballs for air-gapped hosts
# (<module>/target/jib-image.tar, loadable with `docker load -i`).
# Sets up the Docker engine and the base image first (test-env.sh, idempotent).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log() { printf 'images: %s\n' "$*" >&2; }

# module:image, in build order
IMAGES=(master-service:vmesos/master agent-service:vmesos/agent framework-examples:vmesos/examples)
JIB_FLAGS=(-Djib.disableUpdateChecks=true -Djib.console=plain)

"$ROOT/deploy/scripts/test-env.sh"

started=$(date +%s)
log "compiling the modules (mvn -DskipTests install)..."
(cd "$ROOT" && mvn -B -q -DskipTests install)

n=0
for entry in "${IMAGES[@]}"; do
  module=${entry%%:*}
  image=${entry#*:}
  n=$((n + 1))
  t0=$(date +%s)
  log "[$n/${#IMAGES[@]}] $image from $module: building into the Docker engine and as a tarball..."
  if ! (cd "$ROOT" && mvn -B -q -o "${JIB_FLAGS[@]}" -pl "$module" jib:dockerBuild jib:buildTar) >"$ROOT/$module/target/jib.log" 2>&1; then
    log "[$n/${#IMAGES[@]}] $image FAILED; last lines of $module/target/jib.log:"
    tail -n 20 "$ROOT/$module/target/jib.log" >&2
    exit 1
  fi
  size=$(docker image inspect "$image" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }')
  log "[$n/${#IMAGES[@]}] $image built in $(( $(date +%s) - t0 )) s ($size; tarball $module/target/jib-image.tar)"
done

log "all images built in $(( $(date +%s) - started )) s:"
docker images --filter 'reference=vmesos/*' --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' >&2
