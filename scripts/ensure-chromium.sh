#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing.
# Never downloads a browser build of its own: Playwright drives /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium saknas: kör 'sudo apt-get install chromium' (Debian) och försök igen." >&2
  exit 1
fi
echo "Installing Debian's chromium (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
