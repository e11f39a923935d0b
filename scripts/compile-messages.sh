#!/usr/bin/env bash
# Compiles the translations (samsyn/**/locale/*/LC_MESSAGES/*.po -> .mo) with Django's
# compilemessages. Skips when there are no .po files yet; Django itself skips catalogues whose
# .mo is already up to date. Needs gettext's msgfmt (installed with apt-get when we are root).
#
#   scripts/compile-messages.sh [VENV_BIN]      (default .venv/bin)
set -euo pipefail

cd "$(dirname "$0")/.."
bin="$(cd "${1:-.venv/bin}" && pwd)"

if ! find samsyn -path '*/locale/*' -name '*.po' -print -quit | grep -q .; then
  echo "compile-messages: no .po files under samsyn/ yet; nothing to compile"
  exit 0
fi

if ! command -v msgfmt >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "compile-messages: installing gettext (apt-get) for msgfmt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends gettext >/dev/null
  else
    echo "compile-messages: msgfmt saknas; install gettext (Debian: apt-get install gettext)" >&2
    exit 1
  fi
fi

# Run inside samsyn/ and without settings, so Django walks only our own locale directories
# (never the virtualenv's) and needs no secret key or database.
cd samsyn
env -u DJANGO_SETTINGS_MODULE "$bin/django-admin" compilemessages
