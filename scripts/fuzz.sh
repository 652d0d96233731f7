#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, build/fuzz) and runs each on its
# corpus for a bounded time. Not part of scripts/test.sh: the corpora already run there as
# normal tests (tst_server_rules, tst_server_corpus) without clang.
#   FUZZ_SECONDS   time per target (default 60)
#   FUZZ_TARGETS   which targets (default "fuzz_frames fuzz_server")
#   FUZZ_JOBS      build jobs (default: nproc)
# New inputs go to build/fuzz/corpus/TARGET (the seeds in tests/corpus stay untouched);
# a crash leaves crash-* in build/fuzz/artifacts/ and makes this script fail. Add a fixed
# crash to tests/corpus/... so the normal tests keep replaying it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=deps.sh
source scripts/deps.sh
roomrec_install_deps
# clang with libFuzzer's runtime (Debian 12: clang 14 and libclang-rt-14-dev).
if ! command -v clang++ >/dev/null 2>&1 || ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clang "libclang-rt-${FUZZ_CLANG_VERSION:-14}-dev"
fi

seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-fuzz_frames fuzz_server}"
build_dir=build/fuzz
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DROOMREC_FUZZ=ON -DROOMREC_BUILD_BENCH=OFF
fi
# shellcheck disable=SC2086
cmake --build "$build_dir" --parallel "${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}" --target $targets

mkdir -p "$build_dir/artifacts"
status=0
for target in $targets; do
  case "$target" in
    fuzz_frames) seeds=tests/corpus/frames ;;
    fuzz_server) seeds=tests/corpus/server ;;
    *) echo "unknown fuzz target $target" >&2; exit 2 ;;
  esac
  work="$build_dir/corpus/$target"
  mkdir -p "$work"
  echo "== $target: ${seconds}s on $seeds"
  # -rss_limit_mb: the server target holds up to 64 MiB of media per input plus ASan's shadow.
  if ! "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -timeout=120 -rss_limit_mb=4096 \
       -max_len=1048576 -print_final_stats=1 -artifact_prefix="$build_dir/artifacts/$target-" "$work" "$seeds"; then
    echo "== $target: FAILED (see $build_dir/artifacts/)" >&2
    status=1
  fi
done
exit $status
