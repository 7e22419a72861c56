#!/usr/bin/env bash
# Peak heap of `tooltune prepare` streaming a ToolLLaMA-format file of about SIZE_MB (default 2048) MB, the size of
# the real toolllama_G123_dfs_train.json. The file is generated under $TMPDIR by repeating the 50 instances that
# ToolBench's preprocessing makes from the 15 raw answers in ../shared/data, and deleted afterwards.
# Usage: bench/prepare-memory.sh [XMX (default 64m)] [SIZE_MB (default 2048)]
# FORMAT=tokens tokenizes too (with ../shared/fixtures/opt/tokenizer), much slower: use a smaller size.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
XMX="${1:-64m}"; SIZE_MB="${2:-2048}"; FORMAT="${FORMAT:-conversations}"
SHARED="${TOOLTUNE_SHARED:-$ROOT/../shared}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tooltune-prepare-mem.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$ROOT/tooltune" prepare --input "$SHARED/data/toolbench/answer" --format conversations --output "$WORK/seed.jsonl" >/dev/null
# one instance per line, each followed by a comma; repeated up to the target size, then one more to close the array
sed 's/$/,/' "$WORK/seed.jsonl" > "$WORK/body"
target=$((SIZE_MB * 1024 * 1024)); seed=$(stat -c %s "$WORK/body"); reps=$(( (target + seed - 1) / seed ))
{ echo "["; for ((i = 0; i < reps; i++)); do cat "$WORK/body"; done; head -1 "$WORK/seed.jsonl"; echo "]"; } > "$WORK/big.json"
echo; echo "input: $(stat -c %s "$WORK/big.json") bytes, $((reps * 50 + 1)) instances; -Xmx$XMX"
start=$(date +%s.%N)
TOOLTUNE_JAVA_OPTS="-Xmx$XMX -Xlog:gc:file=$WORK/gc.log" TOOLTUNE_PLAIN_PROGRESS=1 \
  "$ROOT/tooltune" prepare --input "$WORK/big.json" --format "$FORMAT" --model "$SHARED/fixtures/opt/tokenizer" \
  --output "$WORK/out.jsonl" 2>"$WORK/err" | tail -1
end=$(date +%s.%N)
echo "output: $(stat -c %s "$WORK/out.jsonl") bytes; wall $(echo "$end - $start" | bc) s"
# peak heap in use = the largest before-GC occupancy the GC log reports ("12M->3M(64M)")
grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$WORK/gc.log" | sed 's/M->.*//' | sort -n | tail -1 | sed 's/^/peak heap in use before a GC: /; s/$/ MiB/'
grep -o '([0-9]*M)' "$WORK/gc.log" | tr -d '()M' | sort -n | tail -1 | sed 's/^/largest committed heap: /; s/$/ MiB/'
