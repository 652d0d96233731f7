#!/bin/sh
# Builds and runs bench_relay: one publisher forwarded to N subscribers, roomrec-server vs
# nginx-rtmp `live on` (same packages, lock and build as bench/run_bench_server.sh).
# Usage: bench/run_bench_relay.sh [--quick] [--n 1,10,50,100] [--seconds 20] [--no-nginx]
ROOMREC_BENCH=bench_relay exec "$(dirname "$0")/run_bench_server.sh" "$@"
