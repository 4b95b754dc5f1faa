#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are installed (Debian's packages; these machines run as root).
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgresql: $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL server binaries are missing; install them with: sudo apt-get install postgresql" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq postgresql >/dev/null 2>&1 \
  || { echo "apt-get install postgresql failed; run it by hand to see why" >&2; exit 1; }
echo "postgresql installed: $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
