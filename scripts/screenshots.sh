#!/usr/bin/env bash
# Takes screenshots of the desktop app's main states under a virtual X display (Xvfb)
# into docs/screenshots/ (used by README.md). Builds first, like run.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
app="build/${ROOMREC_PRESET:-release}/app/desktop/roomrec"
out=docs/screenshots
mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
shoot() { # state file
  xvfb-run -a -s "-screen 0 1600x900x24" "$app" --data "$data/$1" --user teacher \
    --screenshot-state "$1" --screenshot "$out/$2" --screenshot-delay-ms 6000
}
shoot hosting main.png
shoot recording recording.png
shoot stopped stopped.png
echo "screenshots in $out/"
