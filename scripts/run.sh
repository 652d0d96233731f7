#!/usr/bin/env bash
# Quick start: install what is missing, build, and open RoomRec hosting a room on this
# computer. Arguments go to the app (try --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
app="build/${ROOMREC_PRESET:-release}/app/desktop/roomrec"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = "Linux" ]; then
  echo "run.sh: no display found; running on a virtual X display (Xvfb). Use --screenshot FILE to see it." >&2
  exec xvfb-run -a -s "-screen 0 1600x900x24" "$app" "$@"
fi
exec "$app" "$@"
