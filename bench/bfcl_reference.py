#!/usr/bin/env python3
"""BFCL's own checker timed on the same work as io.tooltune.eval.bfcl.BfclScoreBenchmark.

Usage: bench/bfcl_reference.py GORILLA_CHECKOUT BFCL_DIR [RUNS] [PASSES]

Loads, at run time and unchanged, the decoder (model_handler/utils.py), the AST checker
(eval_checker/ast_eval/ast_checker.py) and the output-format helpers (bfcl_eval/utils.py) from a
ShishirPatil/gorilla checkout, without BFCL's package imports (python3 only, no pip): module-level
imports are left out and the few names they provided are stubbed for a prompt-mode Python model.
Then it judges every result line under BFCL_DIR/results/* as eval_runner does and prints one JSON
line with the median entries/s (data loaded once; a warm-up pass first).
"""
import ast
import enum
import json
import re
import sys
import time
from pathlib import Path


def load_functions(path, names=None):
    tree = ast.parse(Path(path).read_text())
    body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
            and (names is None or (isinstance(n, ast.FunctionDef) and n.name in names))]
    return compile(ast.Module(body=body, type_ignores=[]), str(path), "exec")


class Language(enum.Enum):
    PYTHON = "python"
    JAVA = "java"
    JAVASCRIPT = "javascript"


class ReturnFormat(enum.Enum):
    PYTHON = "python"


class PromptModelConfig:
    underscore_to_dot = False


class AnyModel(dict):
    def __missing__(self, key):
        return PromptModelConfig()


def main():
    gorilla = Path(sys.argv[1]) / "berkeley-function-call-leaderboard" / "bfcl_eval"
    bfcl = Path(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    passes = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    g = {"ast": ast, "re": re, "json": json, "Language": Language, "ReturnFormat": ReturnFormat,
         "MODEL_CONFIG_MAPPING": AnyModel(), "JAVA_TYPE_CONVERSION": {}, "JS_TYPE_CONVERSION": {},
         "java_type_converter": None, "js_type_converter": None}
    exec(load_functions(gorilla / "model_handler" / "utils.py",
                        {"default_decode_ast_prompting", "ast_parse", "resolve_ast_call", "resolve_ast_by_type"}), g)
    exec(load_functions(gorilla / "eval_checker" / "ast_eval" / "ast_checker.py"), g)
    exec(load_functions(gorilla / "utils.py", {"is_function_calling_format_output", "is_empty_output"}), g)
    decode, checker = g["default_decode_ast_prompting"], g["ast_checker"]
    fmt_ok, empty = g["is_function_calling_format_output"], g["is_empty_output"]

    def load(p):
        return [json.loads(line) for line in p.read_text().splitlines()]

    data, jobs = {}, []
    for result_file in sorted(bfcl.glob("results/*/BFCL_v4_*_result.json")):
        cat = result_file.name[len("BFCL_v4_"):-len("_result.json")]
        if cat not in data:
            entries = load(bfcl / f"BFCL_v4_{cat}.json")
            answers = None if "relevance" in cat else load(bfcl / "possible_answer" / f"BFCL_v4_{cat}.json")
            data[cat] = {e["id"]: (e, answers[i]["ground_truth"] if answers else None) for i, e in enumerate(entries)}
        for line in load(result_file):
            entry, truth = data[cat][line["id"]]
            jobs.append((cat, entry, truth, line["result"]))

    def judge(cat, entry, truth, output):
        if "relevance" in cat:
            try:
                has_call = not empty(decode(output))
            except Exception:
                has_call = False
            return not has_call if "irrelevance" in cat else has_call
        try:
            calls = decode(output)
        except Exception:
            return False
        if not fmt_ok(calls):
            return False
        return checker(entry["function"], calls, truth, Language.PYTHON, cat, "prompt-model")["valid"]

    def judge_all():
        return sum(1 for j in jobs if judge(*j))

    judge_all()
    rates, valid = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(passes):
            valid = judge_all()
        rates.append(len(jobs) * passes / (time.perf_counter() - t0))
    rates.sort()
    print(json.dumps({"impl": "BFCL (python3 %d.%d)" % sys.version_info[:2], "entries": len(jobs), "valid": valid,
                      "runs": runs, "passes": passes, "entries_per_s_median": round(rates[runs // 2]),
                      "entries_per_s_all": [round(r) for r in rates]}))


if __name__ == "__main__":
    main()
