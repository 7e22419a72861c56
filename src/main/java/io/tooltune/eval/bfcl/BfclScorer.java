package io.tooltune.eval.bfcl;

import io.tooltune.eval.bfcl.BfclFiles.Entry;
import io.tooltune.eval.bfcl.BfclFiles.ResultFile;
import io.tooltune.eval.bfcl.BfclFiles.ResultLine;
import io.tooltune.eval.bfcl.CallDecoder.DecodedCall;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores BFCL result files as BFCL's eval runner does for single-turn prompt-mode results: each line is decoded and
 * checked against its entry, relevance categories ask only whether a call decodes, and a category's accuracy is
 * correct lines over lines in its result file. Input problems (unknown ids, duplicates, malformed lines, missing
 * data) are all collected first and end the run before anything is scored.
 */
public final class BfclScorer {
    /** One result line's verdict; {@code errorType} (BFCL's string) is null when valid. */
    public record Verdict(String category, String id, boolean valid, String errorType) {}

    /** A category's tally. */
    public record CategoryScore(String category, int correct, int total) {
        public double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    /** Verdicts in result-file order and the tally per category (BFCL's category order). */
    public record Scored(List<Verdict> verdicts, Map<String, CategoryScore> categories) {}

    private record Pending(ResultFile file, Map<String, Entry> entries, List<ResultLine> lines) {}

    private BfclScorer() {}

    /** Scores every result file in {@code resultsDir}; throws BadInputException listing all input problems. */
    public static Scored score(Path dataDir, Path resultsDir, PrintStream err) {
        InputProblems problems = new InputProblems();
        List<ResultFile> files = BfclFiles.resultFiles(resultsDir, problems);
        List<Pending> pending = new ArrayList<>();
        for (ResultFile f : files) {
            Map<String, Entry> byId = new HashMap<>();
            for (Entry e : BfclFiles.entries(dataDir, f.category(), problems)) byId.put(e.id(), e);
            Set<String> seen = new HashSet<>();
            List<ResultLine> lines = new ArrayList<>();
            for (ResultLine l : BfclFiles.results(f.path(), problems)) {
                String where = f.path() + ":" + l.line() + ": ";
                if (!seen.add(l.id())) problems.add(where + "id " + l.id() + " appears twice");
                else if (!byId.containsKey(l.id())) problems.add(where + "id " + l.id() + " is not in the " + f.category().id + " data");
                else lines.add(l);
            }
            pending.add(new Pending(f, byId, lines));
        }
        problems.throwIfAny(err);

        List<Verdict> verdicts = new ArrayList<>();
        Map<String, CategoryScore> scores = new LinkedHashMap<>();
        for (Pending p : pending) {
            Category c = p.file().category();
            int correct = 0;
            for (ResultLine l : p.lines()) {
                Verdict v;
                try {
                    v = judge(c, p.entries().get(l.id()), l.result());
                } catch (IllegalArgumentException e) {
                    problems.add(p.file().path() + ":" + l.line() + ": entry " + l.id() + " cannot be checked: " + e.getMessage());
                    continue;
                }
                verdicts.add(v);
                if (v.valid()) correct++;
            }
            scores.put(c.id, new CategoryScore(c.id, correct, p.lines().size()));
        }
        problems.throwIfAny(err);
        return new Scored(verdicts, scores);
    }

    /** BFCL's verdict on one raw prompt-mode output. */
    static Verdict judge(Category c, Entry entry, String output) {
        List<DecodedCall> calls;
        try {
            calls = CallDecoder.decode(output);
        } catch (PySyntaxError | StackOverflowError e) {
            calls = null;
        }
        if (c.isRelevance()) {
            boolean hasCall = calls != null && !calls.isEmpty();
            if (c.id.contains("irrelevance")) {
                return new Verdict(c.id, entry.id(), !hasCall, hasCall ? "irrelevance_error:decoder_success" : null);
            }
            return new Verdict(c.id, entry.id(), hasCall, hasCall ? null : "relevance_error:decoder_failed");
        }
        if (calls == null) return new Verdict(c.id, entry.id(), false, "ast_decoder:decoder_failed");
        AstChecker.Result r = AstChecker.check(entry.functions(), calls, entry.groundTruth(), c.id);
        return new Verdict(c.id, entry.id(), r.valid(), r.errorType());
    }
}
