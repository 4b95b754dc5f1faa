#!/usr/bin/env bash
# Stops the broker started by start.sh (SIGTERM, then SIGKILL after 30 s). Keeps its data.
set -euo pipefail
source "$(dirname "$0")/common.sh"
if ! kafka_running; then echo "kafka not running"; rm -f "$KAFKA_PID_FILE"; exit 0; fi
pid="$(cat "$KAFKA_PID_FILE")"
kill "$pid"
for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
kill -9 "$pid" 2>/dev/null || true
rm -f "$KAFKA_PID_FILE"
echo "kafka stopped"
