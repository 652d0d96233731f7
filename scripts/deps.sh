#!/usr/bin/env bash
# Installs what RoomRec needs to build and test, on Debian/Ubuntu, only when missing.
# Sourced by run.sh and test.sh; safe to run on its own. Elsewhere it says what to install.
set -euo pipefail

ROOMREC_PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools qt6-multimedia-dev qt6-httpserver-dev qt6-websockets-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev libqt6svg6 libqt6sql6-sqlite
  # the catalogue on PostgreSQL (roomrec-server --catalog postgresql://...): Qt's QPSQL driver
  libqt6sql6-psql
  qt6-qpa-plugins libgl-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavdevice-dev
  ffmpeg xvfb xauth
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
  # independent players the tests check finished files with (gst-discoverer-1.0, mediainfo)
  gstreamer1.0-plugins-base-apps mediainfo
  # a real PostgreSQL server the catalogue tests and bench_catalog start themselves (initdb, pg_ctl)
  postgresql
  # the TCP load balancer the cluster test puts in front of two server nodes
  haproxy
  # echo cancellation of the microphone in live rooms (docs/audio.md)
  libwebrtc-audio-processing-dev
  # object storage (--storage s3://...): libcurl's AWS SigV4 client
  libcurl4-openssl-dev
  # a real S3-compatible server tst_objectstorage starts itself (OpenStack Swift + s3api)
  swift swift-proxy swift-account swift-container swift-object python3-swift
)

roomrec_missing_packages() { # [PACKAGE...] (default: ROOMREC_PACKAGES)
  local missing=() wanted=("$@")
  [ $# -eq 0 ] && wanted=("${ROOMREC_PACKAGES[@]}")
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

# With arguments, installs those packages instead (when missing): the packaging tests
# (tests/packaging) bring their validators this way.
roomrec_install_deps() { # [PACKAGE...] (default: ROOMREC_PACKAGES)
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: not a Debian/Ubuntu system; install Qt >= 6.4 (with Multimedia, HttpServer, Sql, Svg," \
         "LinguistTools), FFmpeg >= 5.1 development files, CMake >= 3.25 and Ninja yourself, and" \
         "webrtc-audio-processing >= 0.3 for echo cancellation (optional; see README.md)." >&2
    return 0
  fi
  local missing
  missing=$(roomrec_missing_packages "$@")
  [ -z "$missing" ] && return 0
  echo "deps: installing:$missing"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  roomrec_install_deps
fi
