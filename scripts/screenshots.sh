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
shoot() { # state file [more app options]
  local state=$1 file=$2
  shift 2
  xvfb-run -a -s "-screen 0 1600x900x24" "$app" --data "$data/$file" --settings "$data/$file.ini" \
    --user teacher --lang en --screenshot-state "$state" --screenshot "$out/$file" --screenshot-delay-ms 6000 "$@"
}
shoot hosting main.png
shoot recording recording.png
shoot stopped stopped.png
shoot library library.png
shoot stopped zh_CN.png --lang zh_CN
echo "screenshots in $out/"
