#!/usr/bin/env bash
# Builds the local Docker base image vmesos/jre:local from this machine's default JDK, offline:
#  - a jlink'ed runtime under /opt/jre with the modules a Vert.x 5 + Hazelcast + protobuf app needs;
#  - the host's shared libraries that the runtime's ELF files link against (ldd), at the same paths,
#    plus the dynamic loader;
#  - Debian's static busybox with its applets under /bin (so there is a /bin/sh), /etc/passwd, /tmp.
# Nothing is pulled: the rootfs is piped into `docker import`.
#
# Idempotent: the image carries a label with a fingerprint of the JDK (its release file and
# `java -version`), the module list and this script; when the image exists with the same fingerprint
# nothing is done. --force rebuilds anyway.
#
# Usage: jre-image.sh [--force]
set -euo pipefail

IMAGE="vmesos/jre:local"
LABEL="dev.vmesos.jre.fingerprint"
MODULES="java.base,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.net,jdk.unsupported"

log() { printf 'jre-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (usage: $0 [--force])" ;;
  esac
done

command -v docker >/dev/null 2>&1 || die "no docker client on PATH"
docker info >/dev/null 2>&1 || die "the Docker engine is not running (deploy/scripts/test-env.sh starts one)"

java_bin=$(command -v java) || die "no java on PATH"
java_bin=$(readlink -f "$java_bin")
JDK_HOME=$(dirname "$(dirname "$java_bin")")
[ -f "$JDK_HOME/release" ] || die "$JDK_HOME has no release file; is $java_bin part of a JDK?"

java_version=$("$java_bin" -version 2>&1)
fingerprint=$(
  {
    cat "$JDK_HOME/release"
    printf '%s\n' "$java_version" "$MODULES"
    cat "${BASH_SOURCE[0]}"
  } | sha256sum | cut -d' ' -f1
)

if [ "$force" = 0 ]; then
  current=$(docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$IMAGE" 2>/dev/null || true)
  if [ "$current" = "$fingerprint" ]; then
    log "$IMAGE is up to date ($(printf '%s' "$java_version" | head -n1)), nothing to do"
    exit 0
  fi
  if [ -n "$current" ]; then
    log "$IMAGE was built from another JDK or recipe, rebuilding"
  fi
fi

jlink_bin="$JDK_HOME/bin/jlink"
[ -x "$jlink_bin" ] || die "no jlink in $JDK_HOME/bin (Debian: install openjdk-<N>-jdk-headless)"
[ -f "$JDK_HOME/jmods/java.base.jmod" ] || die "no jmods in $JDK_HOME/jmods; jlink needs them"

busybox=/bin/busybox
# A static binary has no program interpreter, so ldd refuses it ("not a dynamic executable"). (Its
# text does name ld-linux, for static dlopen, so grepping for that string cannot tell.)
busybox_is_static() { [ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1; }
if ! busybox_is_static; then
  is_root || die "need Debian's static busybox at $busybox: install busybox-static (as root)"
  log "installing busybox-static"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; }
  busybox_is_static || die "no static busybox at $busybox after installing busybox-static"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vmesos-jre-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
jre="$rootfs/opt/jre"
mkdir -p "$rootfs/opt"

# JDK 21+ replaced --compress=2 by --compress=zip-6 (and warns about the old form).
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JDK_HOME/release")
compress="--compress=2"
if [ -n "$major" ] && [ "$major" -ge 21 ]; then compress="--compress=zip-6"; fi

log "jlink $JDK_HOME -> /opt/jre ($MODULES)"
"$jlink_bin" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages "$compress" \
  --output "$jre" >&2

log "copying the host libraries the runtime links against"
elf_files=()
while IFS= read -r -d '' f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && elf_files+=("$f")
done < <(find "$jre" -type f \( -path "$jre/bin/*" -o -name '*.so' -o -name jspawnhelper -o -name jexec \) -print0)
[ "${#elf_files[@]}" -gt 0 ] || die "no ELF files found under /opt/jre"
libs=$(
  for f in "${elf_files[@]}"; do
    ldd "$f" || die "ldd failed on ${f#"$rootfs"}"
  done | awk -v root="$rootfs" '
    $2 == "=>" && $3 == "not" { print "missing " $1; next }
    $2 == "=>" && $3 ~ /^\// { if (index($3, root) != 1) print "lib " $3; next }
    $1 ~ /^\// { if (index($1, root) != 1) print "lib " $1 }
  ' | sort -u
)
count=0
while read -r kind path; do
  [ -n "$kind" ] || continue
  if [ "$kind" = missing ]; then
    # Libraries the runtime loads itself (libjvm.so for libjava.so and friends) are not on ldd's path.
    [ -n "$(find "$jre" -name "$path" -print -quit)" ] || die "ldd: $path is not found on the host"
    continue
  fi
  mkdir -p "$rootfs$(dirname "$path")"
  cp -L "$path" "$rootfs$path"
  count=$((count + 1))
done <<<"$libs"
log "copied $count libraries"

log "adding busybox (static) with its applets under /bin, /etc/passwd, /tmp"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
chmod 1777 "$rootfs/tmp"
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

log "importing $IMAGE"
source_line=$(printf '%s' "$java_version" | sed -n 's/.*Runtime Environment (build \(.*\))/\1/p' | head -n1)
# Imported under a scratch tag first, so a runtime that does not start never gets the real tag (and
# its fingerprint label).
scratch="vmesos/jre:building-$$"
old_id=$(docker image inspect -f '{{ .Id }}' "$IMAGE" 2>/dev/null || true)
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
  docker import \
    -c 'ENV PATH=/opt/jre/bin:/bin' \
    -c 'ENV JAVA_HOME=/opt/jre' \
    -c "LABEL $LABEL=$fingerprint" \
    -c "LABEL dev.vmesos.jre.source=\"${source_line:-unknown}\"" \
    -c "LABEL dev.vmesos.jre.modules=$MODULES" \
    - "$scratch" >/dev/null
trap 'rm -rf "$work"; docker rmi "$scratch" >/dev/null 2>&1 || true' EXIT

log "smoke test: java -version and sh in a container"
if ! out=$(docker run --rm --network none "$scratch" sh -c 'java -version' 2>&1); then
  printf '%s\n' "$out" >&2
  die "java does not start in the new image"
fi
docker tag "$scratch" "$IMAGE"
docker rmi "$scratch" >/dev/null
new_id=$(docker image inspect -f '{{ .Id }}' "$IMAGE")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  # The replaced image is untagged now; drop it unless a container still uses it.
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi

size=$(docker image inspect -f '{{ .Size }}' "$IMAGE")
log "$IMAGE is ready: $(awk -v b="$size" 'BEGIN { printf "%.1f MB", b / 1000 / 1000 }') ($size bytes)"
