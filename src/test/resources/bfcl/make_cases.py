#!/usr/bin/env python3
"""Regenerates the random parts of decoder_cases.jsonl and checker_cases.jsonl with BFCL's own code.

Usage: make_cases.py GORILLA_CHECKOUT BFCL_DIR OUT_DIR

BFCL's decoder and checker are loaded unchanged from the checkout by bench/bfcl_reference.py's loader.
decoder_cases.jsonl: 130 hand-picked outputs (kept in the file; this script appends 600 random edits of the
shared result strings). checker_cases.jsonl: for every other AST entry, 3 calls rendered from its ground truth
with random edits, and BFCL's verdict. Seeds 7 and 11; made with CPython 3.11.
"""
import ast
import importlib.util
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
spec = importlib.util.spec_from_file_location("ref", ROOT / "bench" / "bfcl_reference.py")
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)


def bfcl_functions(gorilla):
    src = Path(gorilla) / "berkeley-function-call-leaderboard" / "bfcl_eval"
    g = {"ast": ast, "re": re, "json": json, "Language": ref.Language, "ReturnFormat": ref.ReturnFormat,
         "MODEL_CONFIG_MAPPING": ref.AnyModel(), "JAVA_TYPE_CONVERSION": {}, "JS_TYPE_CONVERSION": {},
         "java_type_converter": None, "js_type_converter": None}
    exec(ref.load_functions(src / "model_handler" / "utils.py",
                            {"default_decode_ast_prompting", "ast_parse", "resolve_ast_call", "resolve_ast_by_type"}), g)
    exec(ref.load_functions(src / "eval_checker" / "ast_eval" / "ast_checker.py"), g)
    return g


def decoded(g, s):
    try:
        return repr(g["default_decode_ast_prompting"](s))
    except Exception:
        return None


def decoder_edits(g, bfcl, n=600):
    rnd = random.Random(7)
    results = [json.loads(l)["result"] for l in (bfcl / "expected_verdicts.jsonl").read_text().splitlines()]
    alphabet = list("()[]{}'\",.=:+-*/%~ \n\t\\#0123456789abcxyz_@!<>&|^;") + [
        "**", "//", "not ", "lambda ", "if ", "else ", " for ", " in ", "...", "True", "None", "0x", "1e", "j",
        "r'", "b'", "f'", '"""', "'''", "\\n", "\\x4", "\\u00e", "\\N{"]
    out, seen = [], set()
    while len(out) < n:
        s = rnd.choice(results)
        for _ in range(rnd.randint(1, 3)):
            op, i = rnd.random(), rnd.randint(0, len(s))
            if op < 0.4:
                s = s[:i] + rnd.choice(alphabet) + s[i:]
            elif op < 0.7 and s:
                s = s[:i] + s[i + 1:]
            else:
                j = rnd.randint(0, len(s))
                s = s[:i] + s[j:j + 5] + s[i:]
        if s not in seen:
            seen.add(s)
            out.append({"output": s, "decoded": decoded(g, s)})
    return out


POOL = ["1", "0", "-3", "1.0", "2.5", "0.0", "True", "False", "None", "'1'", "''", "' '", "'New York, NY'",
        "'new_york-ny'", "[1, 2]", "(1, 2)", "[]", "()", "{}", "{'a': 1}", "[1.0, 2.0]", "['a', 'b']", "[{'a': 1}]",
        "x", "g(1)", "g(y=1)", "d['k']", "1 + 1", "-1.5", "[True]", "[None]", "[[1, 2]]", "(1.0,)", "{'a': [1]}"]


def checker_edits(g, bfcl):
    rnd = random.Random(11)
    out = []
    for cat in ["simple_python", "multiple", "parallel", "parallel_multiple"]:
        entries = [json.loads(l) for l in (bfcl / f"BFCL_v4_{cat}.json").read_text().splitlines()]
        answers = [json.loads(l) for l in (bfcl / "possible_answer" / f"BFCL_v4_{cat}.json").read_text().splitlines()]
        for i, (e, a) in enumerate(zip(entries, answers)):
            if i % 2:
                continue
            gt = a["ground_truth"]
            for _ in range(3):
                calls = []
                for call in gt:
                    name = next(iter(call))
                    kws = []
                    for p, vals in call[name].items():
                        choices = [v for v in vals if v != ""]
                        if not choices or ("" in vals and rnd.random() < 0.3):
                            continue
                        kws.append([p, repr(rnd.choice(choices))])
                    calls.append([name, kws])
                for _ in range(rnd.randint(1, 2)):
                    c, r = rnd.choice(calls), rnd.random()
                    if r < 0.55 and c[1]:
                        k = rnd.choice(c[1])
                        k[1] = rnd.choice(POOL + [k[1].upper(), k[1].replace(" ", "_"), k[1] + "0", "[" + k[1] + "]", "(" + k[1] + ",)"])
                    elif r < 0.7 and c[1]:
                        c[1].pop(rnd.randrange(len(c[1])))
                    elif r < 0.85:
                        doc = [f for f in e["function"] if f["name"] == c[0]]
                        props = list(doc[0]["parameters"]["properties"]) if doc else []
                        if props:
                            c[1].append([rnd.choice(props), rnd.choice(POOL)])
                    elif len(calls) > 1:
                        rnd.shuffle(calls)
                    elif rnd.random() < 0.5:
                        c[0] = c[0] + "_x"
                text = "[" + ", ".join(f"{n}({', '.join(f'{k}={v}' for k, v in kws)})" for n, kws in calls) + "]"
                try:
                    calls_decoded = g["default_decode_ast_prompting"](text)
                except Exception:
                    res = {"valid": False, "error_type": "ast_decoder:decoder_failed"}
                else:
                    res = g["ast_checker"](e["function"], calls_decoded, gt, ref.Language.PYTHON, cat, "prompt-model")
                out.append({"category": cat, "id": e["id"], "result": text, "valid": res["valid"],
                            "error_type": None if res["valid"] else res["error_type"]})
    return out


def main():
    g = bfcl_functions(sys.argv[1])
    bfcl, out = Path(sys.argv[2]), Path(sys.argv[3])
    picked = (Path(__file__).parent / "decoder_cases.jsonl").read_text().splitlines()[:130]
    with open(out / "decoder_cases.jsonl", "w") as f:
        for line in picked:
            f.write(line + "\n")
        for c in decoder_edits(g, bfcl):
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    with open(out / "checker_cases.jsonl", "w") as f:
        for c in checker_edits(g, bfcl):
            f.write(json.dumps(c, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
