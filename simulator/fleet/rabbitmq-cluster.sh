#!/usr/bin/env bash
# A two-node RabbitMQ cluster with the MQTT plugin on this machine, the fleet against it (trucks
# spread over both nodes, the consumer on the first), the results, and everything stopped again.
#
#   apt-get install rabbitmq-server                 # Debian 12: RabbitMQ 3.10.8, Erlang 25
#   npm run build
#   simulator/fleet/rabbitmq-cluster.sh             # TRUCKS=50 DURATION=120 OUTAGE=30 by default
#   TRUCKS=200 DURATION=180 OUTAGE=60 JSON=cluster.json simulator/fleet/rabbitmq-cluster.sh
#
# Each node runs as the current user from a temporary folder of its own: its node name
# (muck-a@localhost, muck-b@localhost), AMQP and distribution ports, Mnesia folder, logs and
# enabled-plugins file; both share one Erlang cookie (in $HOME of this script, a temporary folder
# too), which is what lets them and rabbitmqctl talk. Node b joins node a with
# `rabbitmqctl join_cluster`. MQTT listens on 127.0.0.1:$MQTT_A and 127.0.0.1:$MQTT_B (anonymous
# MQTT clients are mapped to the guest user, which RabbitMQ allows from loopback only). The
# Debian service (rabbitmq-server.service) is not used and not touched. Exit code: the fleet's.
set -euo pipefail

TRUCKS=${TRUCKS:-50}
DURATION=${DURATION:-120}
OUTAGE=${OUTAGE:-30}
OUTAGE_MODE=${OUTAGE_MODE:-blackhole}
MQTT_A=${MQTT_A:-18831}
MQTT_B=${MQTT_B:-18832}
JSON=${JSON:-}
RABBIT_BIN=/usr/lib/rabbitmq/bin
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CLI=${CLI:-$REPO/build/agent/cli/main.js}

[ -x "$RABBIT_BIN/rabbitmq-server" ] || { echo "rabbitmq-server not found: apt-get install rabbitmq-server" >&2; exit 2; }
[ -f "$CLI" ] || { echo "build the agent first: npm run build" >&2; exit 2; }

BASE=$(mktemp -d /tmp/muck-rabbitmq-XXXXXX)
export HOME=$BASE
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$BASE/.erlang.cookie"
chmod 400 "$BASE/.erlang.cookie"
# Keep the machine's /etc/rabbitmq out of it.
: > "$BASE/rabbitmq-env.conf"
export RABBITMQ_CONF_ENV_FILE=$BASE/rabbitmq-env.conf
EPMD_WAS_RUNNING=$(pgrep -x epmd >/dev/null && echo yes || echo no)
PIDS=()

node_env() { # node-letter amqp-port dist-port mqtt-port
  local dir=$BASE/$1
  mkdir -p "$dir"
  echo '[rabbitmq_mqtt].' > "$dir/enabled_plugins"
  cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$2
mqtt.listeners.tcp.default = 127.0.0.1:$4
mqtt.allow_anonymous = true
mqtt.vhost = /
mqtt.exchange = amq.topic
log.file.level = warning
log.console = false
CONF
  echo "RABBITMQ_NODENAME=muck-$1@localhost RABBITMQ_NODE_PORT=$2 RABBITMQ_DIST_PORT=$3" \
    "RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf" \
    "RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins RABBITMQ_PID_FILE=$dir/pid"
}

ctl() { # node-letter args…
  local node=$1
  shift
  "$RABBIT_BIN/rabbitmqctl" -n "muck-$node@localhost" "$@"
}

cleanup() {
  set +e
  for node in b a; do ctl "$node" stop >/dev/null 2>&1; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ "$EPMD_WAS_RUNNING" = no ] && epmd -kill >/dev/null 2>&1
  [ "${KEEP:-}" = 1 ] && echo "kept $BASE" >&2 || rm -rf "$BASE"
}
trap cleanup EXIT

start_node() { # node-letter amqp-port dist-port mqtt-port
  env $(node_env "$@") "$RABBIT_BIN/rabbitmq-server" > "$BASE/$1.out" 2>&1 &
  PIDS+=($!)
  # await_startup fails at once while the node has not registered with epmd yet: wait for that.
  for _ in $(seq 1 180); do
    ctl "$1" ping > /dev/null 2>&1 && break
    sleep 1
  done
  ctl "$1" await_startup --timeout 180 > /dev/null
}

echo "starting node a (MQTT 127.0.0.1:$MQTT_A) and node b (MQTT 127.0.0.1:$MQTT_B) in $BASE" >&2
start_node a 5681 25681 "$MQTT_A"
echo "node a up" >&2
start_node b 5682 25682 "$MQTT_B"
echo "node b up; joining it to node a" >&2
ctl b stop_app > /dev/null
ctl b join_cluster muck-a@localhost > /dev/null 2>&1
ctl b start_app > /dev/null
ctl a await_online_nodes 2 > /dev/null
ctl a cluster_status --formatter json \
  | node -e 'const s=JSON.parse(require("fs").readFileSync(0,"utf8")); console.error(`cluster: ${s.running_nodes.join(", ")} (RabbitMQ ${s.versions?.[s.running_nodes[0]]?.rabbitmq_version ?? "?"})`)'

set +e
node "$CLI" sim --fleet "$TRUCKS" \
  --url "mqtt://127.0.0.1:$MQTT_A" --url "mqtt://127.0.0.1:$MQTT_B" --consumer-url "mqtt://127.0.0.1:$MQTT_A" \
  --duration "$DURATION" --outage "$OUTAGE" --outage-mode "$OUTAGE_MODE" ${JSON:+--json "$JSON"}
status=$?
set -e
exit $status
