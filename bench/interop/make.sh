#!/usr/bin/env bash
# Writes folders with the tooltune CLI for bench/interop/check.py to load with transformers and PEFT: a Qwen2 full
# fine-tuning save, a Llama LoRA adapter on all linear layers and its merge, an OPT LoRA adapter, and each one's
# greedy continuation of the same prompt as `tooltune generate --json` prints it.
# usage: bench/interop/make.sh OUTDIR   (needs ../shared/fixtures beside the repository)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
F="$ROOT/../shared/fixtures"
TT="$ROOT/tooltune"
TRAIN=(--precision fp32 --batch-size 2 --gradient-accumulation-steps 1 --warmup-steps 0 --learning-rate 1e-2
       --save-steps 0 --max-steps 3 --no-shuffle)
LORA=(--lora-r 4 --lora-alpha 8 --lora-dropout 0)
GEN=(--max-new-tokens 12 --no-eos-stop --json --prompt "What's the weather in Paris?")
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
"$TT" train --model "$F/llama/tiny-qwen2" --data "$F/llama/lora/tiny-qwen2/train.jsonl" --output "$work/qwen2-ft" "${TRAIN[@]}" >&2
"$TT" train --model "$F/llama/tiny-llama" --data "$F/llama/lora/tiny-llama/train.jsonl" --output "$work/llama-lora" \
  "${TRAIN[@]}" "${LORA[@]}" --lora-target-modules all-linear >&2
"$TT" train --model "$F/opt/tiny-opt-prenorm" --data "$F/llama/lora/tiny-opt-prenorm/train.jsonl" --output "$work/opt-lora" \
  "${TRAIN[@]}" "${LORA[@]}" >&2
"$TT" merge --model "$F/llama/tiny-llama" --adapter "$work/llama-lora" --output "$work/llama-merged" >&2
"$TT" generate --model "$work/qwen2-ft" "${GEN[@]}" > "$OUT/gen-qwen2-ft.json"
"$TT" generate --model "$F/llama/tiny-llama" "${GEN[@]}" > "$OUT/gen-llama-base.json"
"$TT" generate --model "$F/llama/tiny-llama" --adapter "$work/llama-lora" "${GEN[@]}" > "$OUT/gen-llama-lora.json"
"$TT" generate --model "$work/llama-merged" "${GEN[@]}" > "$OUT/gen-llama-merged.json"
"$TT" generate --model "$F/opt/tiny-opt-prenorm" --adapter "$work/opt-lora" "${GEN[@]}" > "$OUT/gen-opt-lora.json"
# Only what a loader reads: the model folders without training logs and checkpoints, the adapters' two files.
for m in qwen2-ft llama-merged; do
  mkdir -p "$OUT/$m"
  (cd "$work/$m" && cp config.json generation_config.json model.safetensors tokenizer*.json special_tokens_map.json \
     "$OUT/$m/" && cp vocab.json merges.txt "$OUT/$m/" 2>/dev/null || true)
done
for a in llama-lora opt-lora; do mkdir -p "$OUT/$a" && cp "$work/$a"/adapter_* "$OUT/$a/"; done
for b in llama/tiny-llama opt/tiny-opt-prenorm; do
  mkdir -p "$OUT/$(basename $b)" && cp "$F/$b"/{config.json,model.safetensors} "$OUT/$(basename $b)/"
done
cp "$ROOT/bench/interop/check.py" "$OUT/"
echo "wrote $OUT; now run: python3 $OUT/check.py $OUT   (with transformers, peft and torch installed)" >&2
