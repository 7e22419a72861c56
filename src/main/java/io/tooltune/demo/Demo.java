package io.tooltune.demo;

import io.tooltune.data.TrajectoryData;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.TestGroup;
import io.tooltune.data.synth.SynthDataset;
import io.tooltune.data.synth.SynthGold;
import io.tooltune.data.synth.SynthOptions;
import io.tooltune.data.synth.SynthWriter;
import io.tooltune.data.synth.SyntheticToolBench;
import io.tooltune.eval.exact.ExactScores;
import io.tooltune.eval.exact.ExactTable;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.BpeTrainer;
import io.tooltune.tokenizer.Tokenizer;
import io.tooltune.tools.ResponseCache;
import io.tooltune.train.LrSchedule;
import io.tooltune.train.SftConfig;
import io.tooltune.train.SftRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code tooltune demo}: the whole pipeline on the embedded synthetic ToolBench, from scratch, within a wall-clock
 * budget. Synthetic ToolBench → byte-level BPE tokenizer trained on the training conversations → a small OPT model
 * with random weights (a Hugging Face folder) → the CoT agent on the six held-out test groups against the embedded
 * virtual API server → SFT on the synthetic training trajectories → the agent again → ToolEval with the offline
 * heuristic judge and exact checks against the gold calls → report.html comparing the two models.
 */
public final class Demo {
    private Demo() {}

    /**
     * Sizes of one demo run. {@link #scaled} derives them from the budget: the data, the model and the agent's
     * limits are fixed (so results compare across budgets); the number of held-out queries and the training steps
     * scale with the minutes.
     */
    public record Options(double minutes, Path output, long seed, int categories, int trainQueries, int testQueriesPerGroup,
                          int keysPerDomain, int vocabSize, OptConfig model, int trainBatch, double learningRate, int warmupSteps, TrajectoryData.PromptLoss promptLoss,
                          int agentBatch, int maxIterations, int maxNewTokens, boolean constrainFunctionNames) {
        public static final double DEFAULT_MINUTES = 8;
        /**
         * Six of the sixteen categories (three held out) and 1,500 training queries: each seen tool then gets about a
         * hundred training queries; over the full catalog, 600 queries give each tool a handful, which a model
         * trained from scratch in minutes only memorises.
         */
        static final int CATEGORIES = 6;
        static final int TRAIN_QUERIES = 1500;
        static final int KEYS_PER_DOMAIN = SynthOptions.DEFAULT_KEYS_PER_DOMAIN;

        /**
         * The default demo: a 2-layer, 128-wide OPT with a 3,000-token vocabulary and a 256-token context (training
         * examples are cut from the left to it, keeping the target, and the agent keeps the prompt's end), batch 8,
         * learning rate 3e-3, loss on the prompt as well as the reply (a model that starts from random weights must
         * first learn to read: the values that reappear from query to call to observation teach it to copy, which
         * reply-only loss on a few thousand examples did not); 200 entities per domain, so a test query's values are
         * mostly ones the model never trained on and a right argument means it was copied, not recalled; 12 held-out
         * queries per group at 8 minutes; at most 4 model replies of at most 80 tokens per query (ToolBench's chain
         * depth of 12 nodes; the synthetic tasks need at most 4 calls and Finish); format-safe decoding of the
         * function name, for both models.
         * <p>The prompts are about 1,400 tokens, so 256 keeps the query and the dialogue but not the function list:
         * the model learns which of the offered functions serves which request from training. Copying values only
         * appeared at this length: a 256-token step costs half a 512-token one, and in the same minutes the 512-token
         * model (and a 1,024-token one that kept the list) wrote memorised values instead (BENCHMARKS.md).
         */
        public static Options scaled(double minutes, Path output, long seed) {
            if (!(minutes > 0)) throw new io.tooltune.BadInputException("--minutes: must be positive, got " + minutes);
            int vocab = 3000;
            int hidden = 128;
            OptConfig cfg = new OptConfig(vocab, hidden, 4 * hidden, 2, 4, hidden, 256, true, 0.0, true, 1, 2, 2);
            int perGroup = Math.max(2, (int) Math.round(12 * minutes / DEFAULT_MINUTES));
            return new Options(minutes, output, seed, CATEGORIES, TRAIN_QUERIES, perGroup, KEYS_PER_DOMAIN, vocab, cfg, 8, 3e-3, 15, TrajectoryData.PromptLoss.ALL,
                    8, 4, 80, true);
        }

        public int maxLength() {
            return model.maxPositionEmbeddings();
        }
    }

    /** Where things went and what came out. */
    public record Outcome(Path report, Map<String, ExactScores> exact, List<Budget.Phase> phases, String summary) {}

    public static Outcome run(Options o) {
        Budget budget = new Budget(o.minutes());
        Path out = o.output();
        Path toolbench = out.resolve("toolbench");
        Path untrained = out.resolve("models/untrained");
        Path finetuned = out.resolve("models/fine-tuned");
        Path sft = out.resolve("sft/train.jsonl");
        Path answers = out.resolve("answers");
        for (String sub : List.of("toolbench", "models", "sft", "answers", "eval")) {
            deleteRecursively(out.resolve(sub));
        }

        budget.phase("synthetic ToolBench", () -> {
            SynthWriter.write(SyntheticToolBench.generate(
                    new SynthOptions(o.seed(), o.trainQueries(), o.testQueriesPerGroup(), o.categories(), o.keysPerDomain())), toolbench);
        });
        budget.phase("tokenizer and untrained model", () -> {
            BpeTrainer.Bpe bpe = BpeTrainer.train(TrajectoryData.tokenizerTexts(toolbench.resolve("answer")), o.vocabSize());
            try {
                bpe.save(untrained);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (Tokenizer tok = Tokenizer.load(untrained); OptModel model = OptModel.random(o.model(), o.seed())) {
                ModelFolder.save(model, tok, untrained);
            }
        });
        Path cache = out.resolve("answers/tool_response_cache.sqlite");
        budget.phase("API response cache", () -> {
            try {
                Files.createDirectories(cache.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (ResponseCache rc = new ResponseCache(cache)) {
                rc.importFolder(toolbench.resolve("tool_response_cache"));
            }
        });
        double agentStart = budget.elapsed();
        budget.phase("agent: untrained model on held-out groups", () -> runAgent(o, untrained, toolbench, cache, answers.resolve("untrained")));
        double agentSeconds = budget.elapsed() - agentStart;
        budget.phase("SFT data", () -> {
            int n = TrajectoryData.write(toolbench.resolve("answer"), untrained, sft, o.maxLength(), o.maxNewTokens(), o.promptLoss());
            System.err.printf(Locale.ROOT, "[demo] %d training instances, each the prompt the agent gives the model at that turn and the reply%n", n);
        });
        // on a loaded machine the agent phases can eat the budget; training keeps a floor so the comparison means something
        double trainSeconds = Math.max(MIN_TRAIN_SHARE * budget.totalSeconds(),
                budget.left() - FINE_TUNED_AGENT_SHARE * agentSeconds - REPORT_SECONDS - MARGIN * budget.totalSeconds());
        System.err.printf(Locale.ROOT, "[demo] training from scratch for %.0f s: batch %d, lr %.0e with %d warm-up steps "
                + "then linear decay to zero at the end of the time (the step count is fitted to the time as it "
                + "trains), loss on %s; the paper's 5e-5 and reply-only loss suit a pre-trained opt-350m, not random "
                + "weights%n", trainSeconds, o.trainBatch(), o.learningRate(), o.warmupSteps(),
                o.promptLoss() == TrajectoryData.PromptLoss.ALL ? "prompt and reply" : "the reply only");
        SftRun.Summary trained = budget.phase("fine-tuning", () -> SftRun.run(untrained, sft, finetuned,
                demoRecipe(o, MAX_STEPS), false, seconds(trainSeconds)));
        Path finetunedModel = trained.result().interrupted() ? trained.result().lastCheckpoint() : finetuned;
        budget.phase("agent: fine-tuned model on held-out groups", () -> runAgent(o, finetunedModel, toolbench, cache, answers.resolve("fine-tuned")));
        Map<String, List<SynthGold>> golds = new LinkedHashMap<>();
        for (String g : TestGroup.NAMES) golds.put(g, SynthGold.read(toolbench.resolve("gold/" + g + ".json")));
        Map<String, ExactScores> exact = new LinkedHashMap<>();
        exact.put("untrained", ExactScores.score(answers.resolve("untrained"), golds));
        exact.put("fine-tuned", ExactScores.score(answers.resolve("fine-tuned"), golds));
        Path evalDir = out.resolve("eval");
        budget.phase("evaluation and report", () -> {
            Commands.run("eval", "--judge", "heuristic", "--output", evalDir.toString(),
                    "--answers", answers.resolve("untrained").toString(), answers.resolve("fine-tuned").toString(),
                    "--model-name", "untrained", "fine-tuned",
                    "--test-ids", toolbench.resolve("test_query_ids").toString(),
                    "--params", "untrained=" + parameters(o.model()), "fine-tuned=" + parameters(o.model()));
        });
        Path report = evalDir.resolve("report.html");
        String summary = summary(o, budget, exact, trained);
        DemoReport.extend(report, ExactTable.html(exact), finetuned.resolve("loss_curve.png"), budget.phases(), summary);
        return new Outcome(report, exact, budget.phases(), summary);
    }

    /** A cap on the training steps far above what the budget allows: the trainer fits the count to the time. */
    static final int MAX_STEPS = 1_000_000;

    /** The SFT recipe's semantics with a learning rate and step count for training from scratch within the budget. */
    static SftConfig demoRecipe(Options o, int steps) {
        SftConfig paper = SftConfig.paper();
        return new SftConfig(o.learningRate(), Math.min(o.warmupSteps(), steps / 10), LrSchedule.LINEAR, o.trainBatch(), 1,
                1.0, paper.weightDecay(), paper.adamBeta1(), paper.adamBeta2(), paper.adamEpsilon(), 1, steps,
                o.maxLength(), o.seed(), true, false, SftConfig.Precision.FP32, false, 0, 10);
    }

    /** Seconds for the report phase and the share of the budget kept as a margin for a noisy machine. */
    private static final double REPORT_SECONDS = 15;
    private static final double MARGIN = 0.06;
    private static final double MIN_TRAIN_SHARE = 0.3;
    /** The fine-tuned agent's expected time relative to the untrained one's (it stops at Finish; the untrained never does). */
    private static final double FINE_TUNED_AGENT_SHARE = 0.5;

    /**
     * Runs the CoT agent over all six held-out groups in one batched run against the embedded virtual API server
     * (serving the synthetic response cache), then files the answers into per-group folders as ToolEval expects.
     */
    private static void runAgent(Options o, Path model, Path toolbench, Path cache, Path outDir) {
        Path flat = outDir.resolve("all");
        List<String> args = new ArrayList<>(List.of("run", "--queries", toolbench.resolve("test_instruction").toString(),
                "--model", model.toString(), "--method", "cot", "--api-embedded",
                "--cache", cache.toString(), "--tools", toolbench.resolve("toolenv/tools").toString(),
                "--output", flat.toString(),
                "--batch-size", Integer.toString(o.agentBatch()),
                "--max-steps", Integer.toString(3 * o.maxIterations()),
                "--max-new-tokens", Integer.toString(o.maxNewTokens())));
        if (o.constrainFunctionNames()) args.add("--constrain-function-names");
        Commands.run(args.toArray(String[]::new));
        try {
            for (String g : TestGroup.NAMES) {
                Path groupDir = Files.createDirectories(outDir.resolve(g));
                for (String qid : DataFiles.readQueryIds(toolbench.resolve("test_query_ids/" + g + ".json"))) {
                    try (Stream<Path> s = Files.list(flat)) {
                        for (Path f : s.filter(p -> p.getFileName().toString().startsWith(qid + "_")).toList()) {
                            Files.move(f, groupDir.resolve(f.getFileName()));
                        }
                    }
                }
            }
            deleteRecursively(flat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String summary(Options o, Budget b, Map<String, ExactScores> exact, SftRun.Summary trained) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "demo finished in %.0f s (budget %.0f s)%n", b.elapsed(), b.totalSeconds()));
        sb.append(String.format(Locale.ROOT, "fine-tuning from scratch: %d steps, lr %.0e (the paper's 5e-5 is for a "
                + "pre-trained opt-350m; a randomly initialised model needs a larger rate and every step it can get)%n",
                trained.result().globalStep(), o.learningRate()));
        if (o.constrainFunctionNames()) {
            sb.append("both agents decode function names format-safely (after \"Action:\" only an offered name; "
                    + "ToolBench decodes freely, as `tooltune run` does without --constrain-function-names)\n");
        }
        exact.forEach((m, s) -> {
            ExactScores.Group t = s.total();
            sb.append(String.format(Locale.ROOT, "%s: gold calls made exactly %.1f%%; queries with every gold API "
                    + "%.1f%%, also every argument %.1f%%, all three checks %.1f%%%n", m, 100 * t.exactCallRate(),
                    100 * t.rate(t.apiRight()), 100 * t.rate(t.argsRight()), 100 * t.rate(t.allRight())));
        });
        return sb.toString();
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parameter count of the demo model, as Table 1 shows it (e.g. 0.9M). */
    static String parameters(OptConfig c) {
        long d = c.hiddenSize(), f = c.ffnDim();
        long perLayer = 4 * (d * d + d) + 2 * d * f + f + d + 4 * d;
        long n = (long) c.vocabSize() * c.wordEmbedProjDim() + (long) (c.maxPositionEmbeddings() + 2) * d
                + c.numLayers() * perLayer + 2 * d;
        return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }

    static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }
}
