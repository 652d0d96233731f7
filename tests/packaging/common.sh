# shellcheck shell=bash
# Shared by the packaging tests (sourced). Exit code 77 is ctest's SKIP (SKIP_RETURN_CODE).
# Usage in a test: source common.sh SRC_DIR BUILD_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)

skip() {
  echo "SKIP: $*"
  exit 77
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Installs the Debian packages named (scripts/deps.sh) when missing, if this can: root and
# apt-get. Otherwise each test checks for the commands it needs and skips without them.
install_tools() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    # shellcheck source=../../scripts/deps.sh
    source "$src/scripts/deps.sh"
    roomrec_install_deps "$@" >&2
  fi
}

need_commands() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || skip "$c is not installed (the test installs it when run as root with apt-get)"
  done
}

# The version cpack puts in the file names, as configured by CMake.
cpack_version() {
  sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake"
}
