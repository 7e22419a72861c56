"""Loads the folders bench/interop/make.sh wrote with transformers and PEFT and checks that each greedy continuation
equals the one tooltune printed. usage: python3 check.py DIR"""
import json, sys, torch, warnings, transformers, peft
from transformers import AutoModelForCausalLM, AutoTokenizer
from peft import PeftModel
print("transformers", transformers.__version__, "peft", peft.__version__, "torch", torch.__version__)
D = sys.argv[1] if len(sys.argv) > 1 else "."
def gen(model, name):
    g = json.load(open(f"{D}/gen-{name}.json"))
    ids = torch.tensor([g["prompt_ids"]])
    with torch.no_grad():
        out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=len(g["output_ids"]), do_sample=False,
                             eos_token_id=None, min_new_tokens=len(g["output_ids"]), pad_token_id=0)
    got = out[0, ids.shape[1]:].tolist()
    ok = got == g["output_ids"]
    print(f"{name}: {'MATCH' if ok else 'DIFFER'} tooltune={g['output_ids']} transformers={got}")
    return ok
res = []
def load(path):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    for x in w:
        if "missing" in str(x.message).lower() or "unexpected" in str(x.message).lower() or "newly initialized" in str(x.message).lower(): print("WARN", path, x.message)
    return m.eval()
# a tooltune full fine-tuning save (Qwen2) loads in transformers and decodes the same
m = load(f"{D}/qwen2-ft"); res.append(gen(m, "qwen2-ft"))
try:
    tok = AutoTokenizer.from_pretrained(f"{D}/qwen2-ft"); print("qwen2-ft tokenizer:", type(tok).__name__, tok("What's the weather in Paris?")["input_ids"])
except Exception as e: print("TOKENIZER FAIL", e); res.append(False)
# the tooltune merged folder (Llama)
m = load(f"{D}/llama-merged"); res.append(gen(m, "llama-merged"))
# base + tooltune adapter through PEFT, unmerged
for base, ad, name in [("tiny-llama", "llama-lora", "llama-lora"), ("tiny-opt-prenorm", "opt-lora", "opt-lora")]:
    b = load(f"{D}/{base}")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        pm = PeftModel.from_pretrained(b, f"{D}/{ad}").eval()
    for x in w: print("PEFT WARN", name, x.message)
    n = sum(1 for k, _ in pm.named_parameters() if "lora_" in k)
    print(name, "lora tensors loaded:", n)
    res.append(gen(pm, name))
    merged = pm.merge_and_unload(); res.append(gen(merged, name))
m = load(f"{D}/tiny-llama"); res.append(gen(m, "llama-base"))
print("ALL MATCH" if all(res) else "SOME DIFFER", res)
sys.exit(0 if all(res) else 1)
