#!/usr/bin/env bash
# A vmesos cluster as containers on this host's network: a master and N agents (default 3), from the
# images ./vmesos images builds. Each process has its own ports; Hazelcast joins by TCP/IP member
# list on loopback (agents list the master), nothing else is contacted.
#
#   cluster.sh up [--agents=3]   start it (the images must exist: ./vmesos images)
#   cluster.sh status            containers, registered agents and frameworks
#   cluster.sh down              stop and remove the containers (Docker tasks they started too)
#
# Ports: master 5050 (Hazelcast 5701); agent i = 1..N: 5050+i (Hazelcast 5701+i), task ports
# [31000+1000(i-1), 31999+1000(i-1)]. Work directories under $VMESOS_CLUSTER_DIR (default
# /tmp/vmesos-cluster), mounted at the same path: Docker tasks bind their sandboxes by host path.
# For several hosts, see README.md beside this script.
set -euo pipefail

NAME=${VMESOS_CLUSTER_NAME:-vmesos}
DIR=${VMESOS_CLUSTER_DIR:-/tmp/vmesos-cluster}
HOST=127.0.0.1
MASTER_PORT=5050
HAZELCAST_PORT=5701
TAG=${VMESOS_IMAGE_TAG:-latest}

log() { printf 'cluster: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

agents=3
cmd=${1:-}
[ $# -gt 0 ] && shift
for arg in "$@"; do
  case "$arg" in
    --agents=*) agents=${arg#--agents=} ;;
    *) die "unknown flag '$arg' (flags: --agents=N)" ;;
  esac
done
[[ "$agents" =~ ^[1-9][0-9]?$ ]] || die "flag '--agents': '$agents' is not a number from 1 to 99"

containers() { docker ps -a --filter "label=dev.vmesos.cluster=$NAME" --format '{{.Names}}'; }

wait_http() {
  local url=$1 what=$2
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$url"; then
      return 0
    fi
    sleep 0.5
  done
  die "$what did not answer at $url within 60 s (docker logs for details)"
}

up() {
  for image in vmesos/master vmesos/agent; do
    docker image inspect "$image:$TAG" >/dev/null 2>&1 || die "no image $image:$TAG: run ./vmesos images first"
  done
  [ -z "$(containers)" ] || die "cluster '$NAME' is already up ($(containers | tr '\n' ' ')); cluster.sh down first"
  mkdir -p "$DIR"
  log "starting master $NAME-master on $HOST:$MASTER_PORT (Hazelcast $HAZELCAST_PORT)"
  docker run -d --name "$NAME-master" --label "dev.vmesos.cluster=$NAME" --network host \
    "vmesos/master:$TAG" --ip=$HOST --port=$MASTER_PORT --cluster_host=$HOST --cluster_port=$HAZELCAST_PORT \
    --cluster_members=$HOST:$HAZELCAST_PORT --cluster_name="$NAME" >/dev/null
  wait_http "http://$HOST:$MASTER_PORT/health" "the master"
  for i in $(seq 1 "$agents"); do
    local port=$((MASTER_PORT + i)) low=$((31000 + 1000 * (i - 1)))
    local work="$DIR/agent-$i"
    mkdir -p "$work"
    log "starting agent $NAME-agent-$i on $HOST:$port (ports [$low-$((low + 999))], work_dir $work)"
    # --pid=host: the agent's process tasks outlive its container, for recovery when it restarts.
    docker run -d --name "$NAME-agent-$i" --label "dev.vmesos.cluster=$NAME" --network host --pid=host \
      -v /var/run/docker.sock:/var/run/docker.sock -v /sys/fs/cgroup:/sys/fs/cgroup -v "$work:$work" \
      "vmesos/agent:$TAG" --master=$HOST:$MASTER_PORT --ip=$HOST --port=$port --work_dir="$work" \
      --resources="cpus:2;mem:4096;disk:8192;ports:[$low-$((low + 999))]" --containerizers=docker,mesos \
      --cgroups_root="vmesos/$NAME-agent-$i" >/dev/null
  done
  for i in $(seq 1 "$agents"); do
    wait_http "http://$HOST:$((MASTER_PORT + i))/health" "agent $i"
  done
  for _ in $(seq 1 120); do
    local registered
    registered=$(curl -fs "http://$HOST:$MASTER_PORT/metrics/snapshot" | sed -n 's/.*"master\/slaves_active":\([0-9.]*\).*/\1/p')
    if [ "${registered%.*}" = "$agents" ]; then
      log "up: master http://$HOST:$MASTER_PORT/api/v1/scheduler with $agents agent(s) registered"
      return 0
    fi
    sleep 0.5
  done
  die "only ${registered:-0} of $agents agent(s) registered within 60 s"
}

status() {
  docker ps -a --filter "label=dev.vmesos.cluster=$NAME" --format 'table {{.Names}}\t{{.Status}}'
  if curl -fs -o /dev/null "http://$HOST:$MASTER_PORT/health"; then
    curl -fs "http://$HOST:$MASTER_PORT/metrics/snapshot" | tr ',' '\n' \
      | grep -E '"master/(slaves_active|frameworks_active|tasks_running)"' | tr -d '{}"' | sed 's/^/  /'
  else
    log "no master answers on $HOST:$MASTER_PORT"
  fi
}

down() {
  local names
  names=$(containers)
  if [ -z "$names" ]; then
    log "cluster '$NAME' is not running"
    return 0
  fi
  # The agents' ids, to find the Docker tasks they started.
  local ids=() id i
  for name in $(echo "$names" | grep -- '-agent-' || true); do
    i=${name##*-agent-}
    id=$(curl -fs --max-time 2 "http://$HOST:$((MASTER_PORT + i))/state" 2>/dev/null \
      | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4 || true)
    [ -n "$id" ] && ids+=("$id")
  done
  # Agents first: stopping one (SIGTERM) kills the tasks of frameworks that do not checkpoint.
  for name in $(echo "$names" | grep -- '-agent-' || true) $(echo "$names" | grep -- '-master$' || true); do
    log "stopping $name"
    docker stop -t 20 "$name" >/dev/null || true
    docker rm -f "$name" >/dev/null || true
  done
  # Docker tasks the agents left (checkpointing frameworks' tasks are left running by design).
  local left
  for id in "${ids[@]+"${ids[@]}"}"; do
    left=$(docker ps -aq --filter "label=dev.vmesos.agent_id=$id" || true)
    if [ -n "$left" ]; then
      log "removing $(echo "$left" | wc -l) task container(s) left by agent $id"
      echo "$left" | xargs docker rm -f >/dev/null
    fi
  done
  log "down"
}

case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: cluster.sh up [--agents=3] | status | down" ;;
esac
