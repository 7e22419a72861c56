package io.tooltune.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.model.CausalLM;
import io.tooltune.model.Device;
import io.tooltune.model.LoraAdapter;
import io.tooltune.model.LoraConfig;
import io.tooltune.model.io.AdapterFolder;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.report.LossCurve;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One {@code tooltune train} run: loads the model (or, with resume, the latest checkpoint under the output
 * folder) and the data, trains, writes the final model folder, training_log.jsonl and loss_curve.png. SIGINT
 * makes the trainer save a checkpoint and stop after the current step.
 */
public final class SftRun {
    private SftRun() {}

    /** {@code truncated}: examples cut to --max-length or to the model's context, whichever is shorter. */
    public record Summary(SftTrainer.Result result, int examples, int truncated, Path output) {}

    /** What to do with an example longer than the model's context (its position table). */
    public enum Overlong { TRUNCATE, ERROR }

    /** Records the model a run started from, so that --resume can refuse a different one. */
    static final String SOURCE_MODEL = "source_model.txt";

    /**
     * What one run needs.
     *
     * @param model     Hugging Face model folder to start from
     * @param data      training data (JSONL)
     * @param output    folder for checkpoints, the final model and logs
     * @param config    the training settings
     * @param resume    continue from the latest checkpoint under {@code output}
     * @param device    where the model trains
     * @param callbacks extra listeners (such as a {@link DeadlineFitter}), called after the log writer and before
     *                  the checkpointer and the progress bar
     * @param overlong  examples longer than the model's context: truncated (counted and warned) or refused
     * @param lora      a fresh LoRA adapter to train instead of every weight (null: full fine-tuning, or the
     *                  adapter's own settings when {@code adapter} is set)
     * @param adapter   a PEFT adapter folder to continue training (null: none)
     */
    public record Options(Path model, Path data, Path output, SftConfig config, boolean resume, Device device,
                          List<TrainerCallback> callbacks, Overlong overlong, LoraConfig lora, Path adapter) {
        public Options {
            callbacks = List.copyOf(callbacks);
            if (lora != null && adapter != null) {
                throw new BadInputException("give either LoRA settings or --adapter (whose adapter_config.json has them), not both");
            }
        }

        /** A fresh run on the CPU without extra listeners, truncating examples longer than the model's context. */
        public static Options of(Path model, Path data, Path output, SftConfig config) {
            return new Options(model, data, output, config, false, Device.CPU, List.of(), Overlong.TRUNCATE, null, null);
        }

        public Options withResume(boolean on) {
            return new Options(model, data, output, config, on, device, callbacks, overlong, lora, adapter);
        }

        public Options withDevice(Device d) {
            return new Options(model, data, output, config, resume, d, callbacks, overlong, lora, adapter);
        }

        public Options withCallbacks(List<TrainerCallback> c) {
            return new Options(model, data, output, config, resume, device, c, overlong, lora, adapter);
        }

        /** Trains a LoRA adapter: a fresh one of {@code settings}, or (settings null) the one in {@code folder}. */
        public Options withLora(LoraConfig settings, Path folder) {
            return new Options(model, data, output, config, resume, device, callbacks, overlong, settings, folder);
        }

        boolean trainsAdapter() {
            return lora != null || adapter != null;
        }

        public Options withOverlong(Overlong o) {
            return new Options(model, data, output, config, resume, device, callbacks, o, lora, adapter);
        }
    }

    /** Trains as {@code o} says; SIGINT stops after the current step with a checkpoint. */
    public static Summary run(Options o) {
        Path outputDir = o.output();
        SftConfig cfg = o.config();
        Optional<Path> checkpoint = o.resume() ? Checkpoints.latest(outputDir) : Optional.empty();
        if (o.resume() && checkpoint.isEmpty()) {
            System.err.println("tooltune train: --resume: no checkpoint under " + outputDir + ", starting from " + o.model());
        }
        if (checkpoint.isPresent()) checkSameModel(outputDir, o.model());
        // a LoRA checkpoint holds only the adapter: the base always comes from --model
        Path source = o.trainsAdapter() ? o.model() : checkpoint.orElse(o.model());
        try (LoadedModel loaded = ModelFolder.load(source, o.device())) {
            CausalLM model = loaded.model();
            int context = model.config().maxPositionEmbeddings();
            int limit = o.overlong() == Overlong.ERROR ? cfg.maxLength() : Math.min(cfg.maxLength(), context);
            SftData.Loaded data = SftData.load(o.data(), loaded.tokenizer(), model.config().eosTokenId(),
                    limit, SftRun::renderConversations);
            checkVocabulary(data.examples(), model.config().vocabSize(), o.data());
            if (o.overlong() == Overlong.ERROR) refuseOverlong(data.examples(), context, o.data());
            Set<Integer> stop = StopTokens.of(model.config(), loaded.tokenizer());
            if (StopTokens.examplesLabelled(data.examples(), stop) == 0) {
                System.err.println("tooltune train: warning: no example has a labelled end-of-sequence or end-of-turn token "
                        + stop + ", so the model will not learn to stop (check the labels of the final EOS)");
            }
            List<SftExample> examples = data.examples();
            if (cfg.packing()) {
                examples = Packing.pack(data.examples(), cfg.maxLength());
                System.err.println("tooltune train: " + Packing.summarize(data.examples(), examples, cfg).describe(cfg.maxLength()));
            }
            if (data.truncated() > 0) {
                System.err.printf("tooltune train: warning: %d of %d examples were longer than %d tokens (--max-length %d,"
                                + " the model's context %d) and were truncated%n",
                        data.truncated(), data.examples().size(), limit, cfg.maxLength(), context);
            }
            if (checkpoint.isEmpty()) recordSourceModel(outputDir, o.model());
            LoraAdapter adapter = o.trainsAdapter() ? adapter(o, checkpoint, model) : null;
            model.linears().attach(adapter);
            String base = o.adapter() != null ? AdapterFolder.baseModel(o.adapter()) : o.model().toString();
            BiConsumer<CausalLM, Path> writer = adapter != null ? (m, dir) -> AdapterFolder.save(adapter, m, base, dir)
                    : (m, dir) -> ModelFolder.save(m, loaded.tokenizer(), dir);
            SftTrainer trainer = new SftTrainer(model, cfg).addCallback(new TrainingLogWriter(outputDir));
            o.callbacks().forEach(trainer::addCallback);
            trainer.addCallback(new Checkpointer(outputDir, cfg.saveSteps(), writer))
                    .addCallback(new ProgressReporter(System::nanoTime));
            checkpoint.ifPresent(trainer::resumeFrom);
            SignalHandler previous = null;
            try {
                previous = Signal.handle(new Signal("INT"), sig -> trainer.requestStop());
            } catch (IllegalArgumentException unavailable) {
                // no SIGINT on this platform or the JVM reserves it: Ctrl-C then just ends the process
            }
            SftTrainer.Result result;
            try {
                result = trainer.train(examples);
            } finally {
                if (previous != null) Signal.handle(new Signal("INT"), previous);
            }
            writeLossCurve(outputDir);
            return new Summary(result, data.examples().size(), data.truncated(), outputDir);
        }
    }

    /** The adapter to train: the resumed checkpoint's, else --adapter's, else a fresh one drawn from the run's seed. */
    private static LoraAdapter adapter(Options o, Optional<Path> checkpoint, CausalLM model) {
        if (checkpoint.isPresent()) return AdapterFolder.load(checkpoint.get(), model);
        if (o.adapter() != null) return AdapterFolder.load(o.adapter(), model);
        return LoraAdapter.initialize(model, o.lora(), o.config().seed());
    }

    /** ToolLLaMA's training rendering ("Role: text\n" per turn, "</s>" after the last), as ToolBench trains on it. */
    static String renderConversations(JsonNode record) {
        String id = record.path("id").asText("?");
        return ToolLlamaPrompt.renderTraining(ToolLlamaExample.of(record, "record " + id).conversations());
    }

    private static void refuseOverlong(List<SftExample> examples, int context, Path file) {
        for (SftExample e : examples) {
            if (e.length() > context) {
                throw new BadInputException(file + ": example " + e.id() + " has " + e.length() + " tokens, more than the"
                        + " model's context of " + context + " (--on-overlong truncate cuts such examples)");
            }
        }
    }

    /** A fresh run writes down its --model; that file is what a later --resume compares with. */
    private static void recordSourceModel(Path outputDir, Path model) {
        try {
            Files.createDirectories(outputDir);
            Files.writeString(outputDir.resolve(SOURCE_MODEL), model.toAbsolutePath().normalize() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outputDir.resolve(SOURCE_MODEL), e);
        }
    }

    /** Resuming with another --model would silently continue the first one: refuse, naming both. */
    private static void checkSameModel(Path outputDir, Path model) {
        Path f = outputDir.resolve(SOURCE_MODEL);
        if (!Files.isRegularFile(f)) return; // a run from before the file was written
        String recorded;
        try {
            recorded = Files.readString(f).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        String given = model.toAbsolutePath().normalize().toString();
        if (!recorded.equals(given)) {
            throw new BadInputException("--resume: the checkpoints under " + outputDir + " were trained from " + recorded
                    + ", not from --model " + given + " (use the same --model, or another --output)");
        }
    }

    private static void checkVocabulary(List<SftExample> examples, int vocab, Path file) {
        for (SftExample e : examples) {
            for (int i = 0; i < e.length(); i++) {
                if (e.inputIds()[i] >= vocab || e.labels()[i] >= vocab) {
                    throw new BadInputException(file + ": example " + e.id() + ": token id "
                            + Math.max(e.inputIds()[i], e.labels()[i]) + " is outside the model's vocabulary (" + vocab + ")");
                }
                if (e.labels()[i] < 0 && e.labels()[i] != SftExample.IGNORE) {
                    throw new BadInputException(file + ": example " + e.id() + ": label " + e.labels()[i]
                            + " (only -100 may be negative)");
                }
            }
        }
    }

    /** Plots every step of training_log.jsonl (a resumed run's earlier steps included). */
    static void writeLossCurve(Path outputDir) {
        Path logFile = outputDir.resolve(TrainingLogWriter.FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(logFile).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] steps = new long[lines.size()];
        double[] losses = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            try {
                StepLog s = Json.MAPPER.readValue(lines.get(i), StepLog.class);
                steps[i] = s.step();
                losses[i] = s.loss();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        LossCurve.write(outputDir.resolve("loss_curve.png"), steps, losses, "training loss");
    }
}
