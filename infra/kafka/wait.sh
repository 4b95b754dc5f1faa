#!/usr/bin/env bash
# Waits until the broker has logged that it started (at most $KAFKA_WAIT_SECONDS, default 90).
set -euo pipefail
source "$(dirname "$0")/common.sh"
deadline=$((SECONDS + ${KAFKA_WAIT_SECONDS:-90}))
until grep -q "Kafka Server started" "$KAFKA_DATA_DIR/logs/server.log" 2>/dev/null; do
  if ! kafka_running; then
    echo "kafka exited during start; see $KAFKA_DATA_DIR/logs" >&2
    tail -n 30 "$KAFKA_DATA_DIR/logs/stdout.log" "$KAFKA_DATA_DIR/logs/server.log" 2>/dev/null >&2 || true
    exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then echo "kafka not ready in time" >&2; exit 1; fi
  sleep 0.5
done
echo "kafka ready on 127.0.0.1:$KAFKA_PORT"
