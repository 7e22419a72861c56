#!/usr/bin/env bash
# Generation speed, tooltune vs PyTorch eager, on an opt-350m-shaped random model: bench/generate-bench.sh [RUNS]
# Prints one JSON line per implementation (tooltune first, then PyTorch), both with 2 intra-op threads.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/bench-java.sh"
RUNS="${1:-5}"
JVM_OPTS=(-Xmx4g -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=error)
bench_java GenerateBenchmark --tokenizer "${TOKENIZER:-$ROOT/../shared/fixtures/opt/tokenizer}" --runs "$RUNS"
python3 "$ROOT/bench/generate_bench.py" "$RUNS"
