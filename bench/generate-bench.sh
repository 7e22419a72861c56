#!/usr/bin/env bash
# Generation speed, tooltune vs PyTorch eager, on a random model: bench/generate-bench.sh [RUNS] [SHAPE]
# SHAPE: opt350m (default) or qwen2.5-0.5b. Prints one JSON line per implementation (tooltune first, then PyTorch),
# both with 2 intra-op threads. The PyTorch side runs with $PYTHON (default Debian's /usr/bin/python3 with
# python3-torch: `apt-get install python3-torch libopenblas0-pthread`).
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/bench-java.sh"
RUNS="${1:-5}"
SHAPE="${2:-opt350m}"
PYTHON="${PYTHON:-/usr/bin/python3}"
"$PYTHON" -c 'import torch' 2>/dev/null || { echo "$PYTHON has no torch: set PYTHON to one that has" >&2; exit 2; }
JVM_OPTS=(-Xmx6g -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=error)
bench_java GenerateBenchmark --tokenizer "${TOKENIZER:-$ROOT/../shared/fixtures/opt/tokenizer}" --runs "$RUNS" --shape "$SHAPE"
"$PYTHON" "$ROOT/bench/generate_bench.py" "$RUNS" --shape "$SHAPE"
