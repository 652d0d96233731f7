#!/usr/bin/env bash
# Takes screenshots of the desktop app under a virtual X display (Xvfb) into docs/images/
# (used by README.md). Each shot is a live room: the app hosts it (embedded server), says
# its port, and three other members come in with roomrec-cli, each sending the labelled test
# pattern: ada with its test tone, bob without sound (a muted mic), chen with a shared screen.
# Builds first, like run.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
# shellcheck source=deps.sh
source scripts/deps.sh
# The virtual display, and a font with Chinese glyphs for the zh_CN shot.
roomrec_install_deps xvfb xauth fonts-wqy-microhei
build="build/${ROOMREC_PRESET:-release}"
app="$build/app/desktop/roomrec"
cli="$build/app/cli/roomrec-cli"
out=docs/images
mkdir -p "$out"
data=$(mktemp -d)
pids=()
cleanup() {
  # Only what this script started, by process ID.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT

member() { # port user [roomrec-cli record options]
  local port=$1 user=$2
  shift 2
  "$cli" record --server "127.0.0.1:$port" --user "$user" --seconds 300 --name "$user-camera" "$@" \
    >"$data/$user.out" 2>"$data/$user.err" &
  pids+=($!)
}

shoot() { # state file [more app options]
  local state=$1 file=$2
  shift 2
  local log="$data/$file.log"
  xvfb-run -a -s "-screen 0 1600x900x24" "$app" --data "$data/$file" --settings "$data/$file.ini" \
    --user teacher --lang en --screenshot-state "$state" --screenshot "$out/$file" --screenshot-delay-ms 6000 \
    --screenshot-members 3 "$@" >"$log" 2>"$log.err" &
  local app_pid=$!
  pids=("$app_pid")
  local port=""
  while [ -z "$port" ] && kill -0 "$app_pid" 2>/dev/null; do
    port=$(sed -n 's/^hosting on port \([0-9][0-9]*\)$/\1/p' "$log")
    [ -n "$port" ] || sleep 0.2
  done
  if [ -z "$port" ]; then
    cat "$log.err" >&2
    echo "screenshots: the app ended before hosting ($file)" >&2
    return 1
  fi
  member "$port" ada.lovelace
  member "$port" bob --audio none
  member "$port" chen --record-type sub-stream
  local status=0
  wait "$app_pid" || status=$?
  for pid in "${pids[@]:1}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
  grep -h "saved" "$log" || true
  if [ "$status" -ne 0 ]; then
    cat "$log.err" >&2
    return "$status"
  fi
}

shoot hosting main.png
shoot recording recording.png
shoot stopped stopped.png
shoot library library.png
shoot hosting zh_CN.png --lang zh_CN
echo "screenshots in $out/"
