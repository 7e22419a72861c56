#!/usr/bin/env bash
# BFCL scoring throughput, tooltune vs BFCL's own Python checker, on ../shared/data/bfcl's 1,500 result lines:
# bench/bfcl-bench.sh GORILLA_CHECKOUT [RUNS] [PASSES]   (without a checkout, tooltune alone)
# Prints one JSON line per implementation (tooltune first).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
GORILLA="${1:-}"
RUNS="${2:-3}"
PASSES="${3:-20}"
BFCL="${BFCL:-$ROOT/../shared/data/bfcl}"
# the benchmark sits in the test source set beside the package-private classes it times
. "$ROOT/bench/bench-java.sh"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/test-classpath.txt")" \
  io.tooltune.eval.bfcl.BfclScoreBenchmark "$BFCL" "$RUNS" "$PASSES"
if [ -n "$GORILLA" ]; then python3 "$ROOT/bench/bfcl_reference.py" "$GORILLA" "$BFCL" "$RUNS" "$PASSES"; fi
