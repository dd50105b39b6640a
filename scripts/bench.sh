#!/usr/bin/env bash
# Whole-process benchmarks: builds release and prints every figure that
# BENCHMARKS.md records (extraction MB/s on 1 and N threads, linearity,
# cold single article, PolNeAR train MB/s, ingest MB/s and peak RSS, and
# with QUERIES_STORE the queries on a large store).
#
# Usage: scripts/bench.sh [SHARED_DIR]     (default: ../shared)
# Env:   MB       generated corpus size for the throughput run (default 50)
#        THREADS  threads for the parallel run (default: nproc)
#        RUNS     timed passes per figure, median reported (default 3)
#        INGEST_MB  corpus size for the ingest run (default 20; 0 skips it)
#        QUERIES_STORE  a store to time the queries on (built there from the
#                 generator when missing: ~1M statements, ~6 min, ~2 GB);
#                 unset skips the queries
#        CARGO_TARGET_DIR  where release binaries are built (default target/)
#
# The stage benchmarks (criterion) are separate: cargo bench -p tealeaf-bench
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED=${1:-../shared}
MB=${MB:-50}
THREADS=${THREADS:-$(nproc)}
RUNS=${RUNS:-3}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

echo "== building (release)"
cargo build --release -q -p tealeaf -p tealeaf-bench
BENCH="$TARGET/release/tealeaf-bench"

echo "== machine"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (work tree has changes)')"
echo "cores: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "rustc: $(rustc --version)"
echo "load: $(uptime | sed 's/.*load average: //')"
echo

echo "== extraction + coding, generated corpus ($MB MB)"
"$BENCH" extract --mb "$MB" --threads "$THREADS" --runs "$RUNS"
echo
echo "== linearity"
"$BENCH" linearity --runs "$RUNS"
echo
echo "== cold single article"
"$BENCH" cold --runs 15 --tealeaf "$TARGET/release/tealeaf"
echo
echo "== PolNeAR train"
"$BENCH" polnear --train "$SHARED/data/polnear/train.jsonl" --threads "$THREADS" --runs "$RUNS"
echo
INGEST_MB=${INGEST_MB:-20}
if [ "$INGEST_MB" != "0" ]; then
    echo "== ingest into a fresh store ($INGEST_MB MB)"
    "$BENCH" ingest --mb "$INGEST_MB" --tealeaf "$TARGET/release/tealeaf"
    echo
fi
if [ -n "${QUERIES_STORE:-}" ]; then
    echo "== queries on $QUERIES_STORE"
    "$BENCH" queries --store "$QUERIES_STORE" --runs "$RUNS" --tealeaf "$TARGET/release/tealeaf"
    echo
fi
echo "== summary"
echo "load after: $(uptime | sed 's/.*load average: //')"
