#!/usr/bin/env bash
# Installs what is missing (Debian/Ubuntu), configures once, builds incrementally.
# Used by run.sh and test.sh; ROOMREC_PRESET picks the CMake preset (default: release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=deps.sh
source scripts/deps.sh
roomrec_install_deps

preset="${ROOMREC_PRESET:-release}"
build_dir="build/$preset"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake --preset "$preset"
fi
cmake --build "$build_dir" --parallel "$(nproc 2>/dev/null || echo 2)"
