package io.tooltune.eval.bfcl;

import io.tooltune.Json;
import io.tooltune.eval.bfcl.BfclFiles.Entry;
import io.tooltune.eval.bfcl.BfclFiles.ResultFile;
import io.tooltune.eval.bfcl.BfclFiles.ResultLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * BFCL scoring throughput: every result line under {@code BFCL_DIR/results/*} judged (decode + check) against its
 * entry, data loaded once beforehand, as {@code bench/bfcl_reference.py} times BFCL's own checker. Prints one JSON
 * line: median entries/s over {@code RUNS} timed runs of {@code PASSES} passes each, after a warm-up.
 * Usage: {@code BfclScoreBenchmark BFCL_DIR [RUNS] [PASSES]}; see bench/bfcl-bench.sh.
 */
public final class BfclScoreBenchmark {
    private record Job(Category category, Entry entry, String output) {}

    private BfclScoreBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path bfcl = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        List<Job> jobs = jobs(bfcl);
        for (int k = 0; k < passes; k++) judgeAll(jobs); // warm-up (JIT)
        double[] rates = new double[runs];
        int valid = 0;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < passes; k++) valid = judgeAll(jobs);
            rates[r] = (double) jobs.size() * passes / ((System.nanoTime() - t0) / 1e9);
        }
        Arrays.sort(rates);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", "tooltune");
        out.put("entries", jobs.size());
        out.put("valid", valid);
        out.put("runs", runs);
        out.put("passes", passes);
        out.put("entries_per_s_median", Math.round(rates[runs / 2]));
        out.put("entries_per_s_all", Arrays.stream(rates).map(Math::rint).toArray());
        System.out.println(Json.MAPPER.writeValueAsString(out));
    }

    private static int judgeAll(List<Job> jobs) {
        int valid = 0;
        for (Job j : jobs) if (BfclScorer.judge(j.category(), j.entry(), j.output()).valid()) valid++;
        return valid;
    }

    private static List<Job> jobs(Path bfcl) throws IOException {
        InputProblems problems = new InputProblems();
        Map<Category, Map<String, Entry>> data = new HashMap<>();
        List<Job> jobs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(bfcl.resolve("results"))) {
            for (Path dir : dirs.sorted().toList()) {
                for (ResultFile f : BfclFiles.resultFiles(dir, problems)) {
                    Map<String, Entry> byId = data.computeIfAbsent(f.category(), c -> {
                        Map<String, Entry> m = new HashMap<>();
                        for (Entry e : BfclFiles.entries(bfcl, c, problems)) m.put(e.id(), e);
                        return m;
                    });
                    for (ResultLine l : BfclFiles.results(f.path(), problems)) jobs.add(new Job(f.category(), byId.get(l.id()), l.result()));
                }
            }
        }
        problems.throwIfAny(System.err);
        return jobs;
    }
}
