#!/usr/bin/env bash
# Training throughput and peak memory: tooltune (DJL) vs PyTorch eager on the same machine, in one run.
# Each setting runs in its own process so that its peak resident memory is its own. The Java side is
# io.tooltune.bench.TrainBenchmark, run from the test classpath (benchmarks are not shipped).
# usage: bench/train-bench.sh [STEPS] [extra args for both, e.g. --tiny]
# LORA=1 adds LoRA r 16 on every Linear (float32 and float16 frozen base, with and without checkpointing);
# PYTHON names the interpreter with torch (default Debian's /usr/bin/python3 with python3-torch).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
STEPS="${1:-3}"; shift || true
JAVA_HOME="$("$ROOT/bin/find-java")"; export JAVA_HOME
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
# Maven 3.8 uses sun.misc.Unsafe, which JDK 24+ warns about on every run.
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$ROOT" && mvn -q -B -ntp -o test-compile >&2 \
  && mvn -q -B -ntp -o dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
       -Dmdep.includeScope=test >&2)
java_run() {
  "$JAVA_HOME/bin/java" -Xmx2g --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/test-classpath.txt")" \
    io.tooltune.bench.TrainBenchmark --steps "$STEPS" "$@" 2>/dev/null | tail -n1
}
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java_run "$@"
java_run --checkpointing "$@"
PY="${PYTHON:-/usr/bin/python3}"
"$PY" "$ROOT/bench/train_bench.py" --steps "$STEPS" "$@" 2>/dev/null
"$PY" "$ROOT/bench/train_bench.py" --steps "$STEPS" --checkpointing "$@" 2>/dev/null
if [ "${LORA:-0}" = 1 ]; then
  java_run --lora-r 16 "$@"
  java_run --lora-r 16 --checkpointing "$@"
  java_run --lora-r 16 --base-fp16 "$@"
  java_run --lora-r 16 --base-fp16 --checkpointing "$@"
fi
