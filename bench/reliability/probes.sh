#!/usr/bin/env bash
# Issue 21's probes (RELIABILITY.md): bad inputs and kill -9 for every command, on tiny fixtures.
# Usage: bench/reliability/probes.sh [WORKDIR]   (default: a new temporary folder). Prints one line per probe:
# ID, area, probe, exit code, the first error or warning line, the last line of standard output.
set -u
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
W="${1:-$(mktemp -d)}"; mkdir -p "$W"; cd "$W"
S="$ROOT/../shared"
T="$ROOT/tooltune"
OPT=$S/fixtures/opt/tiny-opt-prenorm
TOK=$S/fixtures/opt/tokenizer
export DJL_OFFLINE=true
p() {
  local id="$1" area="$2" desc="$3"; shift 3
  local out err rc
  out=$(timeout 300 "$@" 2>"$W/err.txt"); rc=$?
  err=$(grep -v "WARN\|^\s*at \|SLF4J" "$W/err.txt" | grep -m1 -E "tooltune|warning|Invalid|Error|error|Exception|Missing" | cut -c1-220)
  printf '%s\t%s\t%s\trc=%s\t%s\t%s\n' "$id" "$area" "$desc" "$rc" "$err" "$(echo "$out" | tail -1 | cut -c1-160)"
}
$T synth --output syn --train-queries 12 --test-queries-per-group 2 > /dev/null 2>&1
python3 "$ROOT/bench/reliability/fixtures.py"
p P1 prepare "raw answers -> tokens" $T prepare --input syn/answer --model $TOK --output o/p1.jsonl
p P2 prepare "missing input" $T prepare --input nowhere --model $TOK --output o/p2.jsonl
p P3 prepare "SFT file as input" $T prepare --input sft.jsonl --model $TOK --output o/p3.jsonl
p P4 prepare "non-UTF-8 jsonl" $T prepare --input latin1.jsonl --model $TOK --output o/p4.jsonl
p P5 prepare "--strict on a malformed record" $T prepare --input strict.jsonl --model $TOK --output o/p5.jsonl --strict
echo "P5b exists: $(ls o/p5.jsonl* 2>&1 | head -1)"
p P6 prepare "empty jsonl" $T prepare --input empty.jsonl --model $TOK --output o/p6.jsonl
p P7 prepare "not-JSON jsonl" $T prepare --input notjson.jsonl --model $TOK --output o/p7.jsonl
p P8 prepare "tokenizer folder missing" $T prepare --input strict.jsonl --model nowhere --output o/p8.jsonl
p P9 prepare "--max-length -1" $T prepare --input strict.jsonl --model $TOK --output o/p9.jsonl --max-length -1
p P10 prepare "output is an existing folder" $T prepare --input strict.jsonl --model $TOK --output o
p T1 train "--learning-rate NaN" $T train --model $OPT --data train.jsonl --output o/t1 --learning-rate NaN
p T2 train "negative --weight-decay" $T train --model $OPT --data train.jsonl --output o/t2 --weight-decay -1
p T3 train "--max-steps 0" $T train --model $OPT --data train.jsonl --output o/t3 --max-steps 0
p T4 train "examples over the 128 positions" $T train --model $OPT --data long.jsonl --output o/t4 --max-steps 1 --batch-size 1 --gradient-accumulation-steps 1 --precision fp32 --max-length 2048
p T5 train "--on-overlong error" $T train --model $OPT --data long.jsonl --output o/t5 --max-steps 1 --batch-size 1 --gradient-accumulation-steps 1 --on-overlong error --max-length 2048
p T6 train "empty data" $T train --model $OPT --data empty.jsonl --output o/t6
p T7 train "token id beyond vocabulary" $T train --model $OPT --data bigid.jsonl --output o/t7 --batch-size 1 --gradient-accumulation-steps 1
p T8 train "data not JSON" $T train --model $OPT --data notjson.jsonl --output o/t8
p T9 train "model folder missing" $T train --model nowhere --data train.jsonl --output o/t9
p T10 train "fresh run for resume probes" $T train --model $OPT --data train.jsonl --output o/t10 --max-steps 2 --save-steps 1 --batch-size 1 --gradient-accumulation-steps 1 --precision fp32
p T11 train "--resume with another --model" $T train --model $S/fixtures/opt/tiny-opt-postnorm --data train.jsonl --output o/t10 --max-steps 3 --batch-size 1 --gradient-accumulation-steps 1 --precision fp32 --resume
cp o/t10/checkpoint-2/optimizer.safetensors $W/opt.bak; head -c 1000 $W/opt.bak > o/t10/checkpoint-2/optimizer.safetensors
p T12 train "truncated optimizer.safetensors" $T train --model $OPT --data train.jsonl --output o/t10 --max-steps 3 --batch-size 1 --gradient-accumulation-steps 1 --precision fp32 --resume
printf '{"global_step": ' > $W/state.txt
cp o/t10/checkpoint-2/trainer_state.json $W/state.bak; cp $W/opt.bak o/t10/checkpoint-2/optimizer.safetensors; cp $W/state.txt o/t10/checkpoint-2/trainer_state.json
p T13 train "truncated trainer_state.json" $T train --model $OPT --data train.jsonl --output o/t10 --max-steps 3 --batch-size 1 --gradient-accumulation-steps 1 --precision fp32 --resume
cp $W/state.bak o/t10/checkpoint-2/trainer_state.json

p R1 run "--batch-size 0" $T run --queries syn/test_instruction/G1_instruction.json --model $OPT --method cot --api-embedded --output o/r1 --batch-size 0
p R2 run "--temperature -1" $T run --queries syn/test_instruction/G1_instruction.json --model $OPT --method cot --api-embedded --output o/r2 --temperature -1
p R3 run "queries missing" $T run --queries nowhere.json --model $OPT --method cot --api-embedded --output o/r3
p R4 run "queries not JSON" $T run --queries notjson_queries.json --model $OPT --method cot --api-embedded --output o/r4
p R5 run "query_id ../ESCAPED" $T run --queries evil_queries.json --openai-url http://127.0.0.1:9/v1 --openai-model m --method cot --api-embedded --output o/r5 --cache o/r5.sqlite
echo "R5b escaped: $(ls o/ESCAPED* 2>&1 | head -1)"
p R6 run "endpoint down (dead port)" $T run --queries syn/test_instruction/G1_instruction.json --openai-url http://127.0.0.1:9/v1 --openai-model m --method cot --api-embedded --output o/r6 --cache o/r6.sqlite --openai-attempts 2 --openai-backoff-ms 10
echo "R6b files: $(ls o/r6 2>/dev/null | wc -l)"
p R7 run "--openai-url without --openai-model" $T run --queries syn/test_instruction/G1_instruction.json --openai-url http://127.0.0.1:9/v1 --method cot --api-embedded --output o/r7
p R8 run "model folder is a file" $T run --queries syn/test_instruction/G1_instruction.json --model train.jsonl --method cot --api-embedded --output o/r8
p E1 eval "truncated converted file" $T eval --answers conv_trunc --output o/e1
p E2 eval "--concurrency 0" $T eval --answers conv_trunc --output o/e2 --concurrency 0
p E3 eval "answers folder missing" $T eval --answers nowhere --output o/e3
p E4 eval "malformed --test-ids file" $T eval --answers syn/answer/G1_answer --output o/e4 --test-ids badids --evaluate-times 1
p E5 eval "empty answers folder" $T eval --answers ro --output o/e5
p E6 eval "--reference not a model" $T eval --answers syn/answer/G1_answer --output o/e6 --reference nobody --evaluate-times 1
p G1 generate "--top-p 0" $T generate --model $OPT --prompt hi --top-p 0
p G2 generate "prompt longer than 128 positions" $T generate --model $OPT --prompt "$(printf 'word %.0s' $(seq 1 300))" --max-new-tokens 4
p G3 generate "--max-new-tokens past the context" $T generate --model $OPT --prompt hi --max-new-tokens 400 --no-eos-stop
p G4 generate "model folder missing" $T generate --model nowhere --prompt hi
p Y1 synth "--categories 99" $T synth --output o/y1 --categories 99
p Y2 synth "--train-queries -1" $T synth --output o/y2 --train-queries -1
p Y3 synth "--output is a file" $T synth --output train.jsonl --train-queries 2 --test-queries-per-group 1
p A1 apis "--port -1" $T apis --port -1
p A2 apis "--max-cache-entry-bytes 0" $T apis --max-cache-entry-bytes 0
p S1 serve "--port 70000" $T serve --scripted x --port 70000
p S2 serve "model folder missing" $T serve --model nowhere --port 0
p S3 serve "neither --model nor --scripted" $T serve --port 0
p B1 bfcl "run --batch-size 0" $T bfcl run --data nowhere --model $OPT --categories simple --output o/b1 --batch-size 0
p B2 bfcl "score on a missing folder" $T bfcl score --data nowhere --results nowhere --output o/b2
p D1 demo "--minutes NaN" $T demo --minutes NaN --output o/d1
p D2 reproduce "--toolbench missing" $T reproduce --toolbench nowhere --judge-url http://127.0.0.1:9/v1 --output o/d2
p X1 cli "unknown command" $T frobnicate

# serve: cheap bounds, media type, origin (scripted backend, no model)
$T serve --scripted "$ROOT/src/test/resources/serve/script.json" --model-id opt-tools --port 18931 --host 0.0.0.0 > serve.out 2> serve.err & SP=$!
U=http://127.0.0.1:18931/v1/chat/completions; B='{"model":"opt-tools","messages":[{"role":"user","content":"hi"}]}'
for i in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:18931/v1/models && break; sleep 0.5; done
echo -e "S4\thost warning: $(grep -m1 warning serve.err)"
echo -e "S5\ttext/plain: $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' -d "$B" $U)"
echo -e "S5b\tno content type: $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type:' -d "$B" $U)"
echo -e "S6\tforeign Origin: $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H 'Origin: http://evil.example' -d "$B" $U)"
python3 -c "print('{\"model\":\"opt-tools\",\"messages\":[{\"role\":\"user\",\"content\":\"' + 'x'*(15<<20) + '\"}]}')" > big.json
echo -e "S7\t15 MB body: $(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' -H 'Content-Type: application/json' --data-binary @big.json $U)"
python3 -c "print('{\"model\":\"opt-tools\",\"messages\":[{\"role\":\"user\",\"content\":\"' + 'word '*700000 + '\"}]}')" > mid.json
echo -e "S8\t3.5 MB prompt under the cap: $(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' -H 'Content-Type: application/json' --data-binary @mid.json $U)"
echo -e "S10\tOPTIONS from a foreign origin: $(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS -H 'Origin: http://evil.example' $U)"
echo -e "S11\tmalformed JSON: $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"model": ' $U)"
echo -e "S12\t5000 messages: $(python3 -c "import json;print(json.dumps({'model':'opt-tools','messages':[{'role':'user','content':'a'}]*5000}))" | curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @- $U)"
kill $SP; wait $SP 2>/dev/null

# kill -9
kill9() { # ID DESC SECONDS cmd... : start, kill -9 after SECONDS, report
  local id="$1" desc="$2" secs="$3"; shift 3
  "$@" > $W/k.out 2>&1 & local pid=$!
  sleep "$secs"; if kill -0 $pid 2>/dev/null; then kill -9 $pid; wait $pid 2>/dev/null; echo -e "$id\tkilled -9 after ${secs}s: $desc"; else wait $pid; echo -e "$id\tfinished before the kill ($desc)"; fi
}
TR="--model $OPT --data train.jsonl --batch-size 1 --gradient-accumulation-steps 1 --precision fp32 --max-steps 30 --save-steps 3 --logging-steps 1"
for k in 1 2; do
  rm -rf o/k$k; s=$((6 + RANDOM % 10))
  kill9 K$k "train $k" $s $T train $TR --output o/k$k
  ls o/k$k | tr '\n' ' '; echo
  p K${k}r train "resume after kill -9 ($s s)" $T train $TR --output o/k$k --resume
done
rm -rf o/kref; p K0 train "uninterrupted reference" $T train $TR --output o/kref
python3 - <<'PY'
import json
def last(d):
    rows=[json.loads(l) for l in open(f'$W/o/{d}/training_log.jsonl') if l.strip()]
    return [(r.get('step'), round(r.get('loss',0),6)) for r in rows if 'loss' in r][-3:]
for d in ['kref','k1','k2']:
    try: print(d, last(d))
    except Exception as e: print(d, 'ERR', e)
PY
RUNA="--queries syn/test_instruction --model $OPT --method cot --api-embedded --max-new-tokens 16 --max-iterations 2 --batch-size 4"
rm -rf o/kr o/kr.sqlite; s=$((8 + RANDOM % 8))
kill9 K3 "run" $s $T run $RUNA --output o/kr --cache o/kr.sqlite
echo "answers after kill: $(ls o/kr 2>/dev/null | grep -c json$) tmp: $(ls o/kr 2>/dev/null | grep -c tmp)"
p K3r run "rerun after kill -9 ($s s)" $T run $RUNA --output o/kr --cache o/kr.sqlite
python3 -c "
import json,glob
bad=[f for f in glob.glob('$W/o/kr/*.json') if not json.load(open(f)).get('answer_generation')]
print('answer files', len(glob.glob('$W/o/kr/*.json')), 'unparsable/empty', bad)"
EV="--answers syn/answer/G1_answer --evaluate-times 2 --metric pass"
rm -rf o/ke o/keref; s=$((2 + RANDOM % 4))
kill9 K4 "eval" $s $T eval $EV --output o/ke
p K4r eval "rerun after kill -9 ($s s)" $T eval $EV --output o/ke
p K4ref eval "uninterrupted reference" $T eval $EV --output o/keref
cmp o/ke/table2.md o/keref/table2.md && echo "K4 tables identical" || echo "K4 TABLES DIFFER"
cmp o/ke/pass_rate/G1_answer/*.json o/keref/pass_rate/G1_answer/*.json && echo "K4 pass files identical" || echo "K4 pass files differ"

TR="--model $OPT --data train.jsonl --batch-size 1 --gradient-accumulation-steps 1 --precision fp32 --max-steps 30 --save-steps 3 --logging-steps 1"
for k in 5 6; do
  rm -rf o/k$k
  $T train $TR --output o/k$k > $W/k$k.out 2>&1 & pid=$!
  # kill once the first checkpoint exists, at a random moment after it
  for i in $(seq 1 300); do ls -d o/k$k/checkpoint-* >/dev/null 2>&1 && break; sleep 0.5; done
  sleep $((RANDOM % 5)).$((RANDOM % 10)); kill -9 $pid; wait $pid 2>/dev/null
  echo -e "K$k\tkilled -9 with checkpoints: $(ls o/k$k | grep checkpoint | tr '\n' ' ')"
  timeout 300 $T train $TR --output o/k$k --resume > $W/k${k}r.out 2>&1; echo -e "K${k}r\trc=$? $(tail -1 $W/k${k}r.out)"
  python3 -c "
import json
rows=[json.loads(l) for l in open('$W/o/k$k/training_log.jsonl') if l.strip()]
ref=[json.loads(l) for l in open('$W/o/kref/training_log.jsonl') if l.strip()]
f=lambda rs:{r['step']:round(r['loss'],5) for r in rs if 'loss' in r}
a,b=f(rows),f(ref); print('K$k steps logged',len(a),'same losses as reference at every step:', a==b)"
done
RUNA="--queries syn/test_instruction --model $OPT --method cot --api-embedded --max-new-tokens 16 --max-iterations 2 --batch-size 2"
rm -rf o/kr2 o/kr2.sqlite
$T run $RUNA --output o/kr2 --cache o/kr2.sqlite > $W/kr2.out 2>&1 & pid=$!
for i in $(seq 1 300); do [ "$(ls o/kr2 2>/dev/null | grep -c 'json$')" -ge 3 ] && break; sleep 0.3; done
kill -9 $pid; wait $pid 2>/dev/null
echo -e "K7\tkilled -9 with $(ls o/kr2 | grep -c 'json$') answers, $(ls o/kr2 | grep -c tmp) temporary files"
timeout 300 $T run $RUNA --output o/kr2 --cache o/kr2.sqlite > $W/kr2r.out 2>&1; echo -e "K7r\trc=$? $(tail -1 $W/kr2r.out | cut -c1-120)"
python3 -c "
import json,glob
fs=glob.glob('$W/o/kr2/*.json'); ok=sum(1 for f in fs if json.load(open(f)).get('answer_generation') is not None)
print('K7 answer files', len(fs), 'readable', ok, 'leftover tmp', len(glob.glob('$W/o/kr2/*.tmp')))"
