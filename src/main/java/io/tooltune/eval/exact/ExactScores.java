package io.tooltune.eval.exact;

import io.tooltune.BadInputException;
import io.tooltune.data.synth.SynthGold;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Per-group exact-check accuracy of one model's raw answers: the share of queries whose gold APIs were called,
 * whose gold arguments were used, whose answer holds the gold facts, and all three; and the share of all gold calls
 * made with the gold arguments. A query without an answer file, or with an unreadable one, counts as wrong on every
 * check.
 */
public record ExactScores(Map<String, Group> groups) {

    public record Group(int queries, int apiRight, int argsRight, int answerRight, int allRight, int goldCalls,
                        int exactCalls) {
        public double rate(int n) {
            return queries == 0 ? 0 : (double) n / queries;
        }

        public double exactCallRate() {
            return goldCalls == 0 ? 0 : (double) exactCalls / goldCalls;
        }
    }

    /** {@code answers/<group>/<qid>_*.json} scored against {@code golds} (group → gold per query). */
    public static ExactScores score(Path answers, Map<String, List<SynthGold>> golds) {
        Map<String, Group> out = new LinkedHashMap<>();
        golds.forEach((group, list) -> {
            int api = 0, args = 0, ans = 0, all = 0, calls = 0, exact = 0;
            for (SynthGold g : list) {
                calls += g.calls().size();
                Path file = answerFile(answers.resolve(group), g.queryId());
                if (file == null) continue;
                AgentTrace trace;
                try {
                    trace = AgentTrace.read(file);
                } catch (BadInputException e) {
                    continue;
                }
                ExactCheck.Result r = ExactCheck.check(g, trace);
                if (r.apiRight()) api++;
                if (r.argsRight()) args++;
                if (r.answerRight()) ans++;
                if (r.allRight()) all++;
                exact += r.exactCalls();
            }
            out.put(group, new Group(list.size(), api, args, ans, all, calls, exact));
        });
        return new ExactScores(out);
    }

    /** The totals over all groups. */
    public Group total() {
        int q = 0, api = 0, args = 0, ans = 0, all = 0, calls = 0, exact = 0;
        for (Group g : groups.values()) {
            calls += g.goldCalls();
            exact += g.exactCalls();
            q += g.queries();
            api += g.apiRight();
            args += g.argsRight();
            ans += g.answerRight();
            all += g.allRight();
        }
        return new Group(q, api, args, ans, all, calls, exact);
    }

    private static Path answerFile(Path dir, String qid) {
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(qid + "_") && p.toString().endsWith(".json"))
                    .sorted().findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
