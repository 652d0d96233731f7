#!/bin/sh
# Builds and runs bench_server: roomrec-server vs nginx-rtmp with N real-time publishers.
# Installs Debian's nginx-core, libnginx-mod-rtmp and ffmpeg first if they are missing.
# Builds, and the run itself, hold the lock in $ROOMREC_BUILD_LOCK (default
# /tmp/roomrec-build.lock) so no other build disturbs the timings.
# Usage: bench/run_bench_server.sh [--quick] [--n 1,10,50,100,200] [--seconds 20] [--keep] ...
# ROOMREC_BENCH=bench_relay runs the relay benchmark instead (bench/run_bench_relay.sh).
set -eu
cd "$(dirname "$0")/.."
lock=${ROOMREC_BUILD_LOCK:-/tmp/roomrec-build.lock}
bench=${ROOMREC_BENCH:-bench_server}

missing=""
for package in nginx-core libnginx-mod-rtmp ffmpeg; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing="$missing $package"
done
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "installing:$missing"
    $sudo apt-get update
    # shellcheck disable=SC2086 # one word per package
    $sudo apt-get install -y $missing
fi

[ -f build/release/build.ninja ] || flock "$lock" cmake --preset release
flock "$lock" cmake --build build/release --parallel 2 --target "$bench" roomrec-server
exec flock "$lock" "build/release/bench/$bench" "$@"
