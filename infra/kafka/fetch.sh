#!/usr/bin/env bash
# Resolves the broker's jars from Maven Central into infra/kafka/libs (once; pom.xml changes refetch).
set -euo pipefail
source "$(dirname "$0")/common.sh"
stamp="$KAFKA_HOME/libs/.resolved"
if [ -f "$stamp" ] && [ "$stamp" -nt "$KAFKA_HOME/pom.xml" ]; then exit 0; fi
command -v mvn >/dev/null || { echo "Maven (mvn) is required to fetch the Kafka jars" >&2; exit 1; }
rm -rf "$KAFKA_HOME/libs"
# Maven prints colour codes even when quiet and not on a terminal: its output is shown only when it fails.
mvn_log="$(mktemp)"
(cd "$KAFKA_HOME" && mvn -q -B --no-transfer-progress -Dstyle.color=never package) >"$mvn_log" 2>&1 \
  || { cat "$mvn_log" >&2; rm -f "$mvn_log"; exit 1; }
rm -f "$mvn_log"
touch "$stamp"
echo "kafka jars in $KAFKA_HOME/libs"
