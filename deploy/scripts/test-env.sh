#!/usr/bin/env bash
# Sets up what vmesos's tests need on this machine, idempotently:
#  - a Docker engine (Debian's docker.io, installed when missing and we are root), started without
#    bridge or iptables changes: containers run with --network host, as Mesos's default HOST mode;
#  - the local test image vmesos/busybox:local, imported from Debian's busybox-static (nothing is pulled);
#  - the local base image vmesos/jre:local, a jlink'ed runtime of this machine's JDK (jre-image.sh);
#  - a PostgreSQL cluster for the throttle framework's JDBC target (Debian's postgresql, installed when
#    missing): cluster "vmesos" on 127.0.0.1:$VMESOS_PG_PORT only, role and database vmesos_test;
#  - Debian's docker-registry (installed when missing), for the image-pull tests, which each start one on
#    127.0.0.1 with a config of their own. The package's own service would listen on every interface: it
#    is stopped if it runs.
#  - Debian's chromium and chromium-driver (installed when missing), for the web UI's browser test
#    (WebUiBrowserTest drives /usr/bin/chromium headless through /usr/bin/chromedriver).
set -euo pipefail

IMAGE="vmesos/busybox:local"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/vmesos-dockerd.log}"

log() { printf 'test-env: %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  if ! is_root; then
    log "need root to install $*; install them by hand"
    return 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

docker_up() { docker info >/dev/null 2>&1; }

ensure_docker() {
  if docker_up; then
    log "Docker engine is running"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    apt_install docker.io
  fi
  if ! command -v docker >/dev/null 2>&1; then
    log "no docker client after installing docker.io"
    exit 1
  fi
  log "starting dockerd (--bridge=none --iptables=false --ip6tables=false), log in $DOCKERD_LOG"
  nohup dockerd --bridge=none --iptables=false --ip6tables=false >"$DOCKERD_LOG" 2>&1 &
  for _ in $(seq 1 60); do
    if docker_up; then
      log "Docker engine is up"
      return
    fi
    sleep 1
  done
  log "dockerd did not come up within 60 s; last lines of $DOCKERD_LOG:"
  tail -n 20 "$DOCKERD_LOG" >&2 || true
  exit 1
}

ensure_test_image() {
  if docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "test image $IMAGE is present"
    return
  fi
  local busybox=/bin/busybox
  if ! [ -x "$busybox" ] || ! file_is_static "$busybox"; then
    apt_install busybox-static
  fi
  local rootfs
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' RETURN
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  log "importing $IMAGE from busybox-static"
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
  log "test image $IMAGE is ready"
}

ensure_jre_image() {
  # jre-image.sh skips the build when the image was made from this JDK; it logs as jre-image:.
  "$(dirname "${BASH_SOURCE[0]}")/jre-image.sh"
}

PG_PORT="${VMESOS_PG_PORT:-55432}"
PG_CLUSTER=vmesos

pg_version() {
  ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1
}

ensure_postgres() {
  if [ -z "$(pg_version)" ] || ! command -v pg_createcluster >/dev/null 2>&1; then
    apt_install postgresql
  fi
  local version
  version=$(pg_version)
  if [ -z "$version" ]; then
    log "no PostgreSQL under /usr/lib/postgresql after installing postgresql"
    exit 1
  fi
  if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$PG_CLUSTER"; then
    log "creating PostgreSQL $version cluster '$PG_CLUSTER' on 127.0.0.1:$PG_PORT"
    pg_createcluster "$version" "$PG_CLUSTER" -p "$PG_PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    local conf="/etc/postgresql/$version/$PG_CLUSTER/postgresql.conf"
    sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "$conf"
  fi
  if ! pg_lsclusters -h | awk -v c="$PG_CLUSTER" '$2 == c {print $4}' | grep -qx online; then
    log "starting PostgreSQL cluster '$PG_CLUSTER'"
    pg_ctlcluster "$version" "$PG_CLUSTER" start
  fi
  local psql=(runuser -u postgres -- psql -p "$PG_PORT" -h /var/run/postgresql -qtA)
  for _ in $(seq 1 30); do
    "${psql[@]}" -c 'select 1' >/dev/null 2>&1 && break
    sleep 1
  done
  if [ "$("${psql[@]}" -c "select 1 from pg_roles where rolname = 'vmesos_test'")" != 1 ]; then
    "${psql[@]}" -c "create role vmesos_test login password 'vmesos_test'"
  fi
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname = 'vmesos_test'")" != 1 ]; then
    "${psql[@]}" -c "create database vmesos_test owner vmesos_test"
  fi
  log "PostgreSQL is up: jdbc:postgresql://127.0.0.1:$PG_PORT/vmesos_test (user vmesos_test)"
}

file_is_static() {
  # busybox-static's binary needs no loader; the dynamic busybox package's does.
  ! grep -q 'ld-linux' "$1" 2>/dev/null
}

# The agent bus's mutual-TLS test makes its CA and certificates with openssl.
if ! command -v openssl >/dev/null 2>&1; then
  apt_install openssl
fi
ensure_registry() {
  if ! command -v docker-registry >/dev/null 2>&1; then
    apt_install docker-registry
  fi
  if command -v service >/dev/null 2>&1 && service docker-registry status >/dev/null 2>&1; then
    log "stopping the docker-registry package's service (it listens on every interface)"
    service docker-registry stop >/dev/null 2>&1 || true
  fi
  log "docker-registry is installed (tests start their own on 127.0.0.1)"
}

ensure_chromium() {
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  if ! /usr/bin/chromium --version >/dev/null 2>&1 || ! /usr/bin/chromedriver --version >/dev/null 2>&1; then
    log "chromium or chromedriver does not run after installing chromium chromium-driver"
    exit 1
  fi
  log "$(/usr/bin/chromium --version 2>/dev/null) and its chromedriver are installed"
}

ensure_docker
ensure_registry
ensure_chromium
ensure_test_image
ensure_jre_image
ensure_postgres
