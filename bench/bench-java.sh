# Sourced by the bench scripts: compiles main and test classes (the benchmarks live in the test source set, package
# io.tooltune.bench), writes the test classpath, and defines `bench_java CLASS ARGS...`, which runs
# io.tooltune.bench.CLASS with it. JVM options: the JVM_OPTS array, set before calling.
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
JAVA_HOME="$("$ROOT/bin/find-java")"; export JAVA_HOME
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
# Maven 3.8 uses sun.misc.Unsafe, which JDK 24+ warns about on every run.
"$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$ROOT" && mvn -q -B -ntp test-compile >&2 \
  && mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2)
bench_java() {
  local main="$1"; shift
  "$JAVA_HOME/bin/java" "${JVM_OPTS[@]}" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dai.djl.offline=true \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error \
    -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/test-classpath.txt")" "io.tooltune.bench.$main" "$@"
}
