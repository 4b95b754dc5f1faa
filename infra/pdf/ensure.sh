#!/usr/bin/env bash
# Makes sure poppler's pdftotext and pdffonts are installed (Debian's poppler-utils; these machines run as
# root): the tests read the PDFs the services write back as a reader shows them.
set -euo pipefail
if command -v pdftotext >/dev/null 2>&1 && command -v pdffonts >/dev/null 2>&1; then
  echo "poppler-utils: $(command -v pdftotext)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "pdftotext/pdffonts are missing; install them with: sudo apt-get install poppler-utils" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq poppler-utils >/dev/null 2>&1 \
  || { echo "apt-get install poppler-utils failed; run it by hand to see why" >&2; exit 1; }
echo "poppler-utils installed: $(command -v pdftotext)"
