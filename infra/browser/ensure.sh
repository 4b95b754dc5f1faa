#!/usr/bin/env bash
# Makes sure a headless browser is installed (Debian's chromium; these machines run as root): the tests load
# the inspection plan's offline HTML map in it and check that it draws one marker per stop without errors.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(command -v chromium)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium is missing; install it with: sudo apt-get install chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null 2>&1 \
  || { echo "apt-get install chromium failed; run it by hand to see why" >&2; exit 1; }
echo "chromium installed: $(command -v chromium)"
