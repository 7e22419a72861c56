package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Progress;
import io.tooltune.eval.bfcl.BfclFiles.Entry;
import io.tooltune.eval.bfcl.BfclFiles.ResultLine;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code tooltune bfcl run}: generates BFCL result files in prompt mode, category by category, appending one line
 * per entry as soon as it is answered, so an interrupted run resumes where it stopped (ids already in a result file
 * are skipped). A request that fails is not recorded (BFCL would record the error text as the model's output,
 * which irrelevance then counts as correct); the run reports it and a rerun retries it.
 */
public final class BfclRun {
    /** {@code batchSize}: conversations handed to the model at once. */
    public record Options(Path dataDir, List<Category> categories, Path resultsDir, int batchSize) {}

    /** Entries answered now, already present before, and failed (to retry). */
    public record Summary(int answered, int resumed, int failed) {
        public String describe() {
            return "bfcl run: " + answered + " answered, " + resumed + " already done, " + failed + " failed";
        }
    }

    private BfclRun() {}

    /**
     * Parses a comma-separated list of BFCL categories or groups: all / single_turn / python (every supported
     * category), non_live, live. Groups leave out what tooltune cannot score (Java, JavaScript).
     */
    public static List<Category> categories(String list) {
        Set<Category> out = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            String n = name.trim();
            switch (n) {
                case "all", "single_turn" -> out.addAll(Category.supported());
                case "non_live" -> Category.supported().stream().filter(c -> !c.id.startsWith("live")).forEach(out::add);
                case "live" -> Category.supported().stream().filter(c -> c.id.startsWith("live")).forEach(out::add);
                case "python" -> out.addAll(Category.supported());
                default -> {
                    Category c = Category.of(n);
                    if (c == null) throw new BadInputException("--categories: '" + n + "' is not a BFCL v4 category or group");
                    if (c.unsupportedReason() != null) throw new BadInputException("--categories " + n + ": " + c.unsupportedReason());
                    out.add(c);
                }
            }
        }
        return List.copyOf(out);
    }

    public static Summary run(Options o, PromptModel model, PrintStream err) throws IOException {
        InputProblems problems = new InputProblems();
        List<List<Entry>> todo = new ArrayList<>();
        int resumed = 0;
        for (Category c : o.categories()) {
            List<Entry> entries = BfclFiles.entries(o.dataDir(), c, problems);
            Set<String> done = new HashSet<>();
            Path file = BfclFiles.resultPath(o.resultsDir(), c);
            if (Files.exists(file)) {
                dropIncompleteLastLine(file, err);
                for (ResultLine l : BfclFiles.results(file, problems)) done.add(l.id());
            }
            resumed += done.size();
            todo.add(entries.stream().filter(e -> !done.contains(e.id())).toList());
        }
        problems.throwIfAny(err);
        Files.createDirectories(o.resultsDir());
        int answered = 0, failed = 0;
        for (int k = 0; k < o.categories().size(); k++) {
            Category c = o.categories().get(k);
            List<Entry> entries = todo.get(k);
            if (entries.isEmpty()) continue;
            Path file = BfclFiles.resultPath(o.resultsDir(), c);
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                 Progress progress = Progress.start("bfcl " + c.id, entries.size())) {
                for (int from = 0; from < entries.size(); from += o.batchSize()) {
                    List<Entry> batch = entries.subList(from, Math.min(entries.size(), from + o.batchSize()));
                    List<String> outputs;
                    try {
                        outputs = model.complete(batch.stream().map(e -> BfclPrompt.messages(e.question(), e.functions())).toList());
                    } catch (IOException e) {
                        if (failed == 0) err.println("tooltune: bfcl " + c.id + " " + batch.get(0).id() + ": " + e.getMessage());
                        failed += batch.size();
                        progress.stepTo(from + batch.size());
                        continue;
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        ObjectNode line = Json.MAPPER.createObjectNode().put("id", batch.get(i).id()).put("result", outputs.get(i));
                        w.write(Json.MAPPER.writeValueAsString(line));
                        w.write('\n');
                    }
                    w.flush();
                    answered += batch.size();
                    progress.stepTo(from + batch.size());
                }
            }
        }
        return new Summary(answered, resumed, failed);
    }

    /** A run killed while writing leaves a last line without its newline: it is removed, and that entry asked again. */
    private static void dropIncompleteLastLine(Path file, PrintStream err) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.isEmpty() || text.endsWith("\n")) return;
        Files.writeString(file, text.substring(0, text.lastIndexOf('\n') + 1), StandardCharsets.UTF_8);
        err.println("tooltune: " + file + ": removed an incomplete last line (an interrupted write); its entry is answered again");
    }
}
