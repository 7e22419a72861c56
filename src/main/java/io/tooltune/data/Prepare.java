package io.tooltune.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.data.format.JsonArrayWriter;
import io.tooltune.data.format.JsonRecords;
import io.tooltune.data.format.RecordLog;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.tokenizer.Tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The prepare stage: ToolBench trajectories (raw answers, ToolLLaMA json/jsonl or converted answers) to SFT records
 * ({@code {"id","input_ids","labels"}}, labels -100 where there is no loss) or to the ToolLLaMA instances themselves;
 * with {@link Format#CHAT}, token records through the model's chat template, from ToolBench data or OpenAI-style
 * conversations.
 */
public final class Prepare {
    private Prepare() {}

    /** Token records on ToolLLaMA's prompt, the ToolLLaMA instances themselves, or token records through the model's chat template. */
    public enum Format { TOKENS, CONVERSATIONS, CHAT }

    /** The raw answers ToolBench trains on: DFSDT trees of width 2, unfiltered. */
    public static final String TOOLBENCH_METHOD = "DFS_woFilter_w2";

    /**
     * {@code model}: the tokenizer's folder (needed for {@link Format#TOKENS}); {@code maxLength}: cut the oldest
     * context beyond it, keeping the target (0: no limit); {@code method}: only raw answer files whose name contains
     * it (null or empty: all); {@code tools}: a toolenv/tools folder for converted answers' descriptions (or null);
     * {@code strict}: stop at the first malformed record instead of reporting and skipping it.
     */
    public record Options(Path input, Path model, Path output, Format format, SftEncoder.LossOn lossOn, int maxLength,
                          String method, Path tools, boolean strict) {
        public Options {
            if (format != Format.CONVERSATIONS && model == null) {
                throw new BadInputException("--model is required to tokenize (or use --format conversations)");
            }
            if (maxLength < 0) throw new BadInputException("--max-length must be >= 0");
        }

        /** ToolBench's preprocessing: token records, loss on the final reply, DFS_woFilter_w2 raw answers. */
        public static Options toolBench(Path input, Path model, Path output, int maxLength) {
            return new Options(input, model, output, Format.TOKENS, SftEncoder.LossOn.FINAL, maxLength, TOOLBENCH_METHOD,
                    null, false);
        }
    }

    /**
     * What was written: the sources' statistics, instances produced, instances and context tokens cut to
     * {@code maxLength}, the length histogram of the token records and the record counts.
     */
    public record Result(TrainingSources.Stats sources, long instances, long cutInstances, long cutTokens,
                         LengthHistogram lengths, RecordLog log) {}

    /** Runs the stage; skipped records are reported on {@code err}. */
    public static Result run(Options o, PrintStream err) {
        if (!Files.exists(o.input())) throw new BadInputException(o.input() + ": no such file or folder");
        if (Files.isDirectory(o.output())) throw new BadInputException(o.output() + ": is a folder; --output takes a file name");
        if (o.format() == Format.CHAT) return runChat(o, err);
        boolean tokens = o.format() == Format.TOKENS;
        RecordLog log = new RecordLog(o.strict(), err);
        LengthHistogram hist = new LengthHistogram();
        long[] counts = new long[3]; // instances produced, instances cut, tokens cut
        TrainingSources.Stats stats;
        Path partial = partial(o);
        try (Tokenizer tok = tokens ? Tokenizer.load(o.model()) : null;
             JsonArrayWriter out = tokens ? new JsonArrayWriter(partial, true) : new JsonArrayWriter(partial)) {
            SftEncoder encoder = tokens ? new SftEncoder(tok, o.lossOn(), o.maxLength()) : null;
            Map<String, String> descriptions = o.tools() == null ? Map.of() : TrainingSources.toolDescriptions(o.tools());
            String method = o.method() == null || o.method().isEmpty() ? null : o.method();
            stats = TrainingSources.forEach(o.input(), method, descriptions, log, ex -> {
                counts[0]++;
                if (!tokens) {
                    out.write(ex.toJson());
                    log.written(1);
                    return;
                }
                SftEncoder.Encoded e;
                try {
                    e = encoder.encode(ex);
                } catch (BadInputException err2) {
                    log.skip(o.input() + " instance " + (counts[0] - 1) + " (\"" + abbreviate(ex.id()) + "\"): " + err2.getMessage());
                    return;
                }
                out.write(record(e));
                log.written(1);
                hist.add(e.inputIds().length);
                if (e.cut() > 0) {
                    counts[1]++;
                    counts[2] += e.cut();
                }
            });
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        publish(partial, o, log);
        return new Result(stats, counts[0], counts[1], counts[2], hist, log);
    }

    /** The output written so far, beside the real one: moved into place at the end, so a failed run leaves no partial file. */
    private static Path partial(Options o) {
        return o.output().resolveSibling(o.output().getFileName() + ".partial");
    }

    /** Moves the finished partial file into place; a run that wrote no record is refused and leaves no file. */
    private static void publish(Path partial, Options o, RecordLog log) {
        if (log.writtenCount() == 0) {
            deleteQuietly(partial);
            throw new BadInputException(o.input() + ": no training records (" + log.readCount() + " read, "
                    + log.skippedCount() + " skipped" + (log.skippedCount() > 0 ? ", reasons above" : "") + ")");
        }
        try {
            Files.move(partial, o.output(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new UncheckedIOException("cannot move " + partial + " to " + o.output(), e);
        }
    }

    /**
     * {@link Format#CHAT}: OpenAI-style {@code {"messages", "tools"}} JSON Lines, or any ToolBench input, through the
     * model's chat template ({@link ChatSftEncoder}); {@code lossOn} does not apply (loss on every assistant turn),
     * and an instance over {@code maxLength} is skipped rather than cut.
     */
    private static Result runChat(Options o, PrintStream err) {
        ModelChatTemplates templates = ModelChatTemplates.load(o.model(), Clock.systemDefaultZone());
        if (!templates.hasTemplate()) {
            throw new BadInputException(o.model() + ": --format chat needs a model with a chat template; this one has none");
        }
        RecordLog log = new RecordLog(o.strict(), err);
        LengthHistogram hist = new LengthHistogram();
        long[] instances = {0};
        TrainingSources.Stats stats = new TrainingSources.Stats();
        Path partial = partial(o);
        try (Tokenizer tok = Tokenizer.load(o.model()); JsonArrayWriter out = new JsonArrayWriter(partial, true)) {
            ChatSftEncoder encoder = new ChatSftEncoder(tok, templates,
                    ChatSftEncoder.endOfTurnTexts(tok, templates, ModelFolder.readConfig(o.model()).eosTokenIds()), o.maxLength());
            BiConsumer<String, Supplier<SftEncoder.Encoded>> write = (where, encode) -> {
                instances[0]++;
                SftEncoder.Encoded e;
                try {
                    e = encode.get();
                } catch (BadInputException problem) {
                    log.skip(where + ": " + problem.getMessage());
                    return;
                }
                out.write(record(e));
                log.written(1);
                hist.add(e.inputIds().length);
            };
            if (isOpenAiJsonLines(o.input())) {
                JsonRecords.forEach(o.input(), log, item -> write.accept(o.input() + " line " + (item.index() + 1),
                        () -> encoder.encode(item.node().path("id").asText("line " + (item.index() + 1)), item.node())));
            } else {
                Map<String, String> descriptions = o.tools() == null ? Map.of() : TrainingSources.toolDescriptions(o.tools());
                String method = o.method() == null || o.method().isEmpty() ? null : o.method();
                stats = TrainingSources.forEach(o.input(), method, descriptions, log, ex -> write.accept(
                        o.input() + " instance " + instances[0] + " (\"" + abbreviate(ex.id()) + "\")", () -> encoder.encode(ex)));
            }
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        publish(partial, o, log);
        return new Result(stats, instances[0], 0, 0, hist, log);
    }

    /** A .jsonl file whose first record has "messages" (OpenAI style) rather than ToolLLaMA's "conversations". */
    private static boolean isOpenAiJsonLines(Path input) {
        if (Files.isDirectory(input) || !input.getFileName().toString().endsWith(".jsonl")) return false;
        try (BufferedReader r = Files.newBufferedReader(input)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                return Json.MAPPER.readTree(line).has("messages");
            }
            return false;
        } catch (IOException e) {
            return false; // the reader reports it
        }
    }

    private static ObjectNode record(SftEncoder.Encoded e) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", e.id());
        ArrayNode ids = o.putArray("input_ids");
        for (long v : e.inputIds()) ids.add(v);
        ArrayNode labels = o.putArray("labels");
        for (long v : e.labels()) labels.add(v);
        return o;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the failure being reported matters more than a leftover temporary file
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
