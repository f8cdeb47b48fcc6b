#!/usr/bin/env bash
# The offline install, as an officer's server does it: a new venv, pip with no index and no
# configuration of this machine (--isolated), only the wheelhouse. Then `inspect` and the app run.
set -euo pipefail
wheelhouse=$(cd "${1:?usage: offline_install_check.sh DIST}" && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'tmux -L "offline-$$" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

"$python" -m venv "$work/v"
PIP_CONFIG_FILE=/dev/null "$work/v/bin/python" -m pip --isolated install --quiet \
  --disable-pip-version-check --no-index --find-links "$wheelhouse" sevis-tui
echo "offline install: ok ($("$work/v/bin/python" --version))"

# inspect: a good demo certificate passes (exit 0) and a private key in the file does not.
export XDG_CONFIG_HOME="$work/c" XDG_STATE_HOME="$work/s" XDG_DATA_HOME="$work/d" HOME="$work"
"$work/v/bin/sevis-tui" demo-certs "$work/certs" >/dev/null
"$work/v/bin/sevis-tui" inspect "$work/certs/jsmith6544.pem" >/dev/null
echo "offline inspect: ok"

# The app itself, in a real terminal: it must draw its login screen.
if command -v tmux >/dev/null 2>&1; then
  tmux -L "offline-$$" new-session -d -x 80 -y 24 -e "HOME=$work" \
    -e "XDG_CONFIG_HOME=$work/c" -e "XDG_STATE_HOME=$work/s" -e "XDG_DATA_HOME=$work/d" \
    "$work/v/bin/sevis-tui"
  for _ in $(seq 1 100); do
    if tmux -L "offline-$$" capture-pane -p | grep -q "SEVIS user ID"; then
      echo "offline app: ok (login screen drawn)"
      exit 0
    fi
    sleep 0.1
  done
  tmux -L "offline-$$" capture-pane -p
  echo "offline app: the login screen did not appear within 10 s" >&2
  exit 1
fi
echo "offline app: not tried (no tmux here)"
