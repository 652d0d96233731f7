#!/usr/bin/env bash
# Install what is missing, build, and run every test (ctest). Non-zero exit on any failure.
# GUI tests use Qt's offscreen platform; everything runs under a virtual X display (Xvfb)
# so tests that need a real X server (screen capture) have one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/build.sh
# Opt-in: the libFuzzer targets for a bounded time (needs clang, which fuzz.sh installs).
if [ -n "${ROOMREC_FUZZ_SECONDS:-}" ] && [ "${ROOMREC_FUZZ_SECONDS}" != 0 ]; then
  FUZZ_SECONDS="$ROOMREC_FUZZ_SECONDS" scripts/fuzz.sh
fi
build_dir="build/${ROOMREC_PRESET:-release}"
ctest_cmd=(ctest --test-dir "$build_dir" --output-on-failure --timeout 600 "$@")
if [ "$(uname)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" "${ctest_cmd[@]}"
fi
exec "${ctest_cmd[@]}"
