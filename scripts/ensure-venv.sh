#!/usr/bin/env bash
# Creates the project's virtualenv (default .venv) with Python 3.11 when it is missing or
# half-made. Uses $PYTHON when set, else python3.11, else python3 when that is 3.11.
# On Debian, `python3 -m venv` needs the python3.11-venv package: installed with apt-get when we
# are root and it is missing.
set -euo pipefail

venv="${1:-.venv}"

is_311() {
  "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1
}

if [ -x "$venv/bin/python" ] && [ -x "$venv/bin/pip" ]; then
  if is_311 "$venv/bin/python"; then
    exit 0
  fi
  echo "ensure-venv: $venv is not Python 3.11 ($("$venv/bin/python" --version 2>&1))." >&2
  echo "ensure-venv: remove it (rm -rf $venv) and run make again." >&2
  exit 1
fi

python=""
for candidate in ${PYTHON:-} python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && is_311 "$candidate"; then
    python="$(command -v "$candidate")"
    break
  fi
done
if [ -z "$python" ]; then
  echo "ensure-venv: Python 3.11 hittades inte (python3.11 or python3 must be Python 3.11)." >&2
  echo "ensure-venv: Debian 12: apt-get install python3 python3-venv" >&2
  exit 1
fi

make_venv() {
  rm -rf "$venv"
  if "$python" -m venv "$venv"; then
    return 0
  fi
  rm -rf "$venv"  # a failed `venv` leaves a directory without pip behind
  return 1
}

echo "ensure-venv: creating $venv with $python ($("$python" --version 2>&1))"
if make_venv; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-venv: installing Debian's python3.11-venv (apt-get) and trying again"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3.11-venv >/dev/null
  make_venv && exit 0
fi
echo "ensure-venv: could not create $venv (Debian: apt-get install python3.11-venv)." >&2
exit 1
