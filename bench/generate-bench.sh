#!/usr/bin/env bash
# Generation speed, tooltune vs PyTorch eager, on an opt-350m-shaped random model: bench/generate-bench.sh [RUNS]
# Prints one JSON line per implementation (tooltune first, then PyTorch), both with 2 intra-op threads.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
RUNS="${1:-5}"
"$ROOT/tooltune" --version >/dev/null
JAVA_HOME="$("$ROOT/bin/find-java")"
"$JAVA_HOME/bin/java" -Xmx4g --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$ROOT/target/classes:$ROOT/target/lib/*" \
  io.tooltune.generate.GenerateBenchmark "${TOKENIZER:-$ROOT/../shared/fixtures/opt/tokenizer}" "$RUNS"
python3 "$ROOT/bench/generate_bench.py" "$RUNS"
