#!/usr/bin/env bash
# Starts a single-node KRaft broker on 127.0.0.1:$KAFKA_PORT with data under $KAFKA_DATA_DIR, waits until
# it serves, and creates the topics declared in topics.toml. Safe to run when it is already up, and to run
# again after stop.sh (same data directory and port: a restart keeps the topics and their records).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$KAFKA_HOME/fetch.sh"
if kafka_running; then
  echo "kafka already running (pid $(cat "$KAFKA_PID_FILE")) on 127.0.0.1:$KAFKA_PORT"
else
  mkdir -p "$KAFKA_DATA_DIR/logs"
  # A restart on the same data directory: wait.sh must see this start's "started" line, not the last one's.
  if [ -f "$KAFKA_DATA_DIR/logs/server.log" ]; then
    mv -f "$KAFKA_DATA_DIR/logs/server.log" "$KAFKA_DATA_DIR/logs/server.log.previous"
  fi
  sed -e "s|@PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$KAFKA_DATA_DIR|g" "$KAFKA_HOME/server.properties.template" \
      > "$KAFKA_DATA_DIR/server.properties"
  java_opts=(-Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.yaml" -Dkafka.logs.dir="$KAFKA_DATA_DIR/logs")
  if [ ! -f "$KAFKA_DATA_DIR/data/meta.properties" ]; then
    cluster_id="$(java "${java_opts[@]}" -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool random-uuid)"
    java "${java_opts[@]}" -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool format --standalone \
      -t "$cluster_id" -c "$KAFKA_DATA_DIR/server.properties" >/dev/null
  fi
  # shellcheck disable=SC2086
  nohup java $KAFKA_HEAP_OPTS "${java_opts[@]}" -cp "$KAFKA_HOME/libs/*" kafka.Kafka \
    "$KAFKA_DATA_DIR/server.properties" >"$KAFKA_DATA_DIR/logs/stdout.log" 2>&1 &
  echo $! >"$KAFKA_PID_FILE"
fi
"$KAFKA_HOME/wait.sh"
"$PYTHON" -m services.platform.kafka_topics --bootstrap "127.0.0.1:$KAFKA_PORT" "$KAFKA_HOME/topics.toml"
