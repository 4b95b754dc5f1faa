#!/usr/bin/env bash
# Resolves the EHF validation artefacts (UBL 2.1 XSDs, the CEN EN 16931 and Peppol BIS Billing 3.0
# Schematron compiled to XSLT) from Maven Central into infra/ehf/jars and unpacks them into
# infra/ehf/assets (once; a newer pom.xml refetches, a newer extract_assets.py re-extracts).
set -euo pipefail
EHF_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$EHF_HOME/../.." && pwd)"
PYTHON="${PYTHON:-$REPO_ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3   # extract_assets.py needs only the standard library
jars_stamp="$EHF_HOME/jars/.resolved"
assets_stamp="$EHF_HOME/assets/.extracted"

if ! { [ -f "$jars_stamp" ] && [ "$jars_stamp" -nt "$EHF_HOME/pom.xml" ]; }; then
  command -v mvn >/dev/null || { echo "Maven (mvn) is required to fetch the EHF validation rules" >&2; exit 1; }
  rm -rf "$EHF_HOME/jars"
  # Maven prints colour codes even when quiet and not on a terminal: its output is shown only when it fails.
  mvn_log="$(mktemp)"
  (cd "$EHF_HOME" && mvn -q -B --no-transfer-progress -Dstyle.color=never package) >"$mvn_log" 2>&1 \
    || { cat "$mvn_log" >&2; rm -f "$mvn_log"; exit 1; }
  rm -f "$mvn_log"
  touch "$jars_stamp"
fi

if [ -f "$assets_stamp" ] && [ "$assets_stamp" -nt "$jars_stamp" ] \
    && [ "$assets_stamp" -nt "$EHF_HOME/extract_assets.py" ]; then
  exit 0
fi
rm -rf "$EHF_HOME/assets"
"$PYTHON" "$EHF_HOME/extract_assets.py" "$EHF_HOME/jars" "$EHF_HOME/assets"
touch "$assets_stamp"
