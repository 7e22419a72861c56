package io.tooltune.pipeline;

import io.tooltune.BadInputException;
import io.tooltune.agent.AgentRun;
import io.tooltune.agent.CotSearch;
import io.tooltune.backend.ChatBackend;
import io.tooltune.data.TrajectoryData;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.TestGroup;
import io.tooltune.data.synth.SynthDataset;
import io.tooltune.data.synth.SynthGold;
import io.tooltune.data.synth.SynthOptions;
import io.tooltune.data.synth.SynthWriter;
import io.tooltune.data.synth.SyntheticToolBench;
import io.tooltune.eval.EvalReport;
import io.tooltune.eval.EvalRun;
import io.tooltune.eval.HeuristicJudge;
import io.tooltune.eval.exact.ExactScores;
import io.tooltune.eval.exact.ExactTable;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.model.Device;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.report.Table;
import io.tooltune.tokenizer.BpeTrainer;
import io.tooltune.tokenizer.Tokenizer;
import io.tooltune.tools.ResponseCache;
import io.tooltune.tools.SchemaSimulator;
import io.tooltune.train.DeadlineFitter;
import io.tooltune.train.SftConfig;
import io.tooltune.train.SftRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code tooltune demo}: the whole pipeline on the embedded synthetic ToolBench, from scratch. Synthetic ToolBench,
 * a byte-level BPE tokenizer trained on its training conversations, a small OPT model with random weights, the CoT
 * agent on the six held-out groups, SFT, the agent again, then ToolEval (heuristic judge) and exact checks against
 * the gold calls in report.html. With a fixed step count (the default) the same seed gives the same numbers.
 */
public final class Demo {
    private Demo() {}

    /**
     * Sizes of one demo run: {@code trainSteps} optimizer steps, or when it is 0 as many as fit in {@code minutes}
     * (the whole run's budget). See BENCHMARKS.md ("demo") for why the defaults are what they are.
     */
    public record Options(int trainSteps, double minutes, Path output, long seed, int categories, int trainQueries,
                          int testQueriesPerGroup, int keysPerDomain, int vocabSize, OptConfig model, int trainBatch,
                          double learningRate, int warmupSteps, TrajectoryData.PromptLoss promptLoss, int agentBatch,
                          int maxIterations, int maxNewTokens, boolean constrainFunctionNames, ChatDemo.Shape chatModel) {
        /** The wall-clock budget the default sizes were chosen for. */
        public static final double DEFAULT_MINUTES = 8;
        /** Held-out queries per test group at the default size. */
        static final int QUERIES_PER_GROUP = 12;
        /** About 8 minutes for the whole demo on a quiet 2-core machine, 7.3 of them training (BENCHMARKS.md). */
        public static final int DEFAULT_STEPS = 3250;
        /** The qwen2 demo's default steps. */
        public static final int QWEN2_STEPS = 300;
        static final int QWEN2_BATCH = 4;
        static final int QWEN2_CONTEXT = 2048;
        static final double QWEN2_LR = 3e-3;
        /** A Hermes call of a synthetic function with its arguments takes about 40 of the demo tokenizer's tokens. */
        static final int QWEN2_MAX_NEW_TOKENS = 96;

        /** The families {@code --family} takes: OPT on ToolLLaMA's ReAct prompt, Qwen2 on its chat template. */
        public static final List<String> FAMILIES = List.of("opt", "qwen2");

        public Options {
            if (trainSteps < 0) throw new BadInputException("--steps: must be positive, got " + trainSteps);
            if (trainSteps == 0 && !(minutes > 0)) throw new BadInputException("--minutes: must be positive, got " + minutes);
        }

        /** The default demo with a fixed number of training steps. */
        public static Options steps(int steps, Path output, long seed) {
            if (steps < 1) throw new BadInputException("--steps: must be positive, got " + steps);
            return sized(steps, DEFAULT_MINUTES, QUERIES_PER_GROUP, output, seed);
        }

        /**
         * The demo of {@code family} (one of {@link #FAMILIES}) with {@code steps} training steps, or the family's
         * default when {@code steps} is null.
         */
        public static Options steps(String family, Integer steps, Path output, long seed) {
            boolean qwen2 = requireFamily(family).equals("qwen2");
            int n = steps != null ? steps : qwen2 ? QWEN2_STEPS : DEFAULT_STEPS;
            Options opt = steps(n, output, seed);
            return qwen2 ? opt.asQwen2() : opt;
        }

        /** The demo of {@code family} fitted to a wall-clock budget. */
        public static Options scaled(String family, double minutes, Path output, long seed) {
            Options opt = scaled(minutes, output, seed);
            return requireFamily(family).equals("qwen2") ? opt.asQwen2() : opt;
        }

        private static String requireFamily(String family) {
            if (!FAMILIES.contains(family)) {
                throw new BadInputException("--family: '" + family + "' is not supported (supported: " + String.join(", ", FAMILIES) + ")");
            }
            return family;
        }

        /**
         * The same run with a Qwen2 model speaking through its chat template: 2 layers, 128 wide, 4 heads / 2 KV
         * heads, FFN 512, a context of {@value #QWEN2_CONTEXT} tokens for the rendered tool definitions and
         * history, at lr {@value #QWEN2_LR}.
         */
        Options asQwen2() {
            ChatDemo.Shape shape = new ChatDemo.Shape("qwen2", 2, 128, 4, 2, 512, QWEN2_CONTEXT, 10000);
            return new Options(trainSteps, minutes, output, seed, categories, trainQueries, testQueriesPerGroup, keysPerDomain,
                    vocabSize, model, QWEN2_BATCH, QWEN2_LR, warmupSteps, promptLoss, agentBatch, maxIterations,
                    QWEN2_MAX_NEW_TOKENS, false, shape);
        }

        /** The default demo fitted to a wall-clock budget: held-out queries scale with it, training gets what is left. */
        public static Options scaled(double minutes, Path output, long seed) {
            if (!(minutes > 0)) throw new BadInputException("--minutes: must be positive, got " + minutes);
            int perGroup = Math.max(2, (int) Math.round(QUERIES_PER_GROUP * minutes / DEFAULT_MINUTES));
            return sized(0, minutes, perGroup, output, seed);
        }

        /**
         * Six categories and 1,500 training queries of 200 entities per domain; a 2-layer, 128-wide OPT with a
         * 3,000-token vocabulary and a 256-token context; batch 8, learning rate 3e-3, 15 warm-up steps, loss on
         * prompt and reply; at most 4 replies of 80 tokens per query, function names decoded format-safely.
         */
        private static Options sized(int steps, double minutes, int perGroup, Path output, long seed) {
            int vocab = 3000;
            int hidden = 128;
            SftConfig recipe = SftConfig.demo();
            OptConfig cfg = OptConfig.builder().vocabSize(vocab).hiddenSize(hidden).ffnDim(4 * hidden).numLayers(2)
                    .numHeads(4).maxPositionEmbeddings(recipe.maxLength()).dropout(0.0).build();
            return new Options(steps, minutes, output, seed, 6, 1500, perGroup, SynthOptions.DEFAULT_KEYS_PER_DOMAIN,
                    vocab, cfg, recipe.batchSize(), recipe.learningRate(), recipe.warmupSteps(), TrajectoryData.PromptLoss.ALL,
                    8, 4, 80, true, null);
        }

        public int maxLength() {
            return chatModel != null ? chatModel.context() : model.maxPositionEmbeddings();
        }

        /** Whether the model speaks through a chat template ({@code --family qwen2}) rather than the ReAct prompt. */
        public boolean chat() {
            return chatModel != null;
        }

        public boolean fixedSteps() {
            return trainSteps > 0;
        }
    }

    /**
     * Where things went and what came out: report.html, the exact checks per model, the phases' times, notes on
     * the run and the untrained/fine-tuned summary table.
     */
    public record Outcome(Path report, Map<String, ExactScores> exact, List<Budget.Phase> phases, List<String> notes,
                          Table summary) {
        /** The notes and the summary table as text for the terminal. */
        public String describe() {
            return String.join("\n", notes) + "\n\n" + summary.markdown();
        }
    }

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
        long[] parameterCount = new long[1];
        budget.phase("tokenizer and untrained model", () -> {
            if (o.chat()) {
                parameterCount[0] = ChatDemo.writeUntrained(o.chatModel(), o.vocabSize(), toolbench.resolve("answer"), untrained, o.seed());
                return;
            }
            BpeTrainer.Bpe bpe = BpeTrainer.train(TrajectoryData.tokenizerTexts(toolbench.resolve("answer")), o.vocabSize());
            try {
                bpe.save(untrained);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (Tokenizer tok = Tokenizer.load(untrained); OptModel model = OptModel.random(o.model(), o.seed())) {
                ModelFolder.save(model, tok, untrained);
                parameterCount[0] = model.parameterCount();
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
            if (o.chat()) {
                long n = ChatDemo.writeSft(toolbench.resolve("answer"), untrained, out.resolve("sft/conversations.jsonl"), sft,
                        o.maxLength(), o.promptLoss());
                System.err.printf(Locale.ROOT, "[demo] %d training instances, each a whole trajectory rendered by the "
                        + "chat template%n", n);
                return;
            }
            int n = TrajectoryData.write(toolbench.resolve("answer"), untrained, sft, o.maxLength(), o.maxNewTokens(), o.promptLoss());
            System.err.printf(Locale.ROOT, "[demo] %d training instances, each the prompt the agent gives the model at that turn and the reply%n", n);
        });
        String loss = o.promptLoss() == TrajectoryData.PromptLoss.ALL ? "prompt and reply" : o.chat() ? "the assistant turns" : "the reply only";
        SftRun.Summary trained;
        if (o.fixedSteps()) {
            String estimate = o.chat() ? "" : String.format(Locale.ROOT, " (about %.0f s on a quiet 2-core machine)", estimatedSeconds(o));
            System.err.printf(Locale.ROOT, "[demo] training from scratch for %d steps%s: batch %d, lr %.0e with %d "
                    + "warm-up steps then linear decay to zero, loss on %s%n",
                    o.trainSteps(), estimate, o.trainBatch(), o.learningRate(), o.warmupSteps(), loss);
            trained = budget.phase("fine-tuning", () -> SftRun.run(SftRun.Options.of(untrained, sft, finetuned, demoRecipe(o, o.trainSteps()))));
        } else {
            // on a loaded machine the agent phases can eat the budget; training keeps a floor so the comparison means something
            double trainSeconds = Math.max(MIN_TRAIN_SHARE * budget.totalSeconds(),
                    budget.left() - FINE_TUNED_AGENT_SHARE * agentSeconds - REPORT_SECONDS - MARGIN * budget.totalSeconds());
            System.err.printf(Locale.ROOT, "[demo] training from scratch for %.0f s: batch %d, lr %.0e with %d warm-up "
                    + "steps then linear decay to zero at the end of the time (the step count is fitted to the time as it "
                    + "trains), loss on %s%n", trainSeconds, o.trainBatch(), o.learningRate(), o.warmupSteps(), loss);
            trained = budget.phase("fine-tuning", () -> SftRun.run(
                    SftRun.Options.of(untrained, sft, finetuned, demoRecipe(o, MAX_STEPS)).withCallbacks(List.of(
                            new DeadlineFitter(Duration.ofMillis((long) (trainSeconds * 1000)), System::nanoTime)))));
        }
        Path finetunedModel = trained.result().interrupted() ? trained.result().lastCheckpoint() : finetuned;
        budget.phase("agent: fine-tuned model on held-out groups", () -> runAgent(o, finetunedModel, toolbench, cache, answers.resolve("fine-tuned")));
        Map<String, List<SynthGold>> golds = new LinkedHashMap<>();
        for (String g : TestGroup.NAMES) golds.put(g, SynthGold.read(toolbench.resolve("gold/" + g + ".json")));
        Map<String, ExactScores> exact = new LinkedHashMap<>();
        exact.put("untrained", ExactScores.score(answers.resolve("untrained"), golds));
        exact.put("fine-tuned", ExactScores.score(answers.resolve("fine-tuned"), golds));
        Path evalDir = out.resolve("eval");
        String params = String.format(Locale.ROOT, "%.1fM", parameterCount[0] / 1e6);
        EvalRun.Outcome eval = budget.phase("evaluation and report", () -> evaluate(new EvalRun.Stage(
                List.of(answers.resolve("untrained"), answers.resolve("fine-tuned")), List.of("untrained", "fine-tuned"),
                evalDir, null, toolbench.resolve("test_query_ids"), Map.of("untrained", params, "fine-tuned", params),
                EvalRun.DEFAULT_OPTIONS, null)));
        System.out.print(EvalReport.byGroup(eval.result()).markdown() + EvalReport.intervals(eval.result()).markdown());
        List<String> notes = notes(o, budget, trained);
        Table summary = o.chat() ? summaryTable(exact, RightFunctions.count(answers, List.of("untrained", "fine-tuned"), golds))
                : summaryTable(exact);
        DemoReport.extend(eval.report(), notes, summary, ExactTable.html(exact), finetuned.resolve("loss_curve.png"), budget.phases());
        return new Outcome(eval.report(), exact, budget.phases(), notes, summary);
    }

    private static EvalRun.Outcome evaluate(EvalRun.Stage stage) {
        try {
            return EvalRun.run(stage, new HeuristicJudge());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cap on the training steps far above what a budget allows: the trainer fits the count to the time. */
    static final int MAX_STEPS = 1_000_000;

    /** Training time of the default demo on a quiet 2-core machine: 3,248 steps of 8 × 256 tokens in 439 s. */
    private static final double SECONDS_PER_TOKEN = 439.0 / (3248L * 8 * 256);

    /** The training time to expect, from the reference machine's tokens per second. */
    static double estimatedSeconds(Options o) {
        return SECONDS_PER_TOKEN * o.trainSteps() * o.trainBatch() * o.maxLength();
    }

    /** The SFT recipe's semantics with a learning rate and step count for training from scratch. */
    static SftConfig demoRecipe(Options o, int steps) {
        return SftConfig.demo().toBuilder().learningRate(o.learningRate()).warmupSteps(Math.min(o.warmupSteps(), steps / 10))
                .batchSize(o.trainBatch()).maxSteps(steps).maxLength(o.maxLength()).seed(o.seed()).build();
    }

    /** Seconds for the report phase and the share of the budget kept as a margin for a noisy machine. */
    private static final double REPORT_SECONDS = 15;
    private static final double MARGIN = 0.06;
    private static final double MIN_TRAIN_SHARE = 0.3;
    /** The fine-tuned agent's expected time relative to the untrained one's (it stops at Finish; the untrained never does). */
    private static final double FINE_TUNED_AGENT_SHARE = 0.5;

    /**
     * Runs the CoT agent over all six held-out groups in one batched run against the embedded virtual API server
     * (serving the synthetic response cache), in lockstep batches so that the answers do not depend on thread
     * timing, then files the answers into per-group folders as ToolEval expects.
     */
    private static void runAgent(Options o, Path model, Path toolbench, Path cache, Path outDir) {
        Path flat = outDir.resolve("all");
        AgentRun.Stage stage = AgentRun.Stage.embedded(toolbench.resolve("test_instruction"),
                toolbench.resolve("toolenv/tools"), flat, cache, new SchemaSimulator());
        AgentRun.Options agent = new AgentRun.Options(AgentRun.Method.COT, 1, 3 * o.maxIterations(),
                CotSearch.PAPER_MAX_ITERATIONS, 2, 200, o.agentBatch(), "");
        try (ChatBackend backend = o.chat() ? ChatDemo.backend(model, o.maxNewTokens(), o.seed(), o.agentBatch())
                : new AgentRun.LocalModel(model, o.maxNewTokens(), GenerationConfig.TOOLLLAMA_TEMPERATURE, o.seed(),
                o.agentBatch(), o.constrainFunctionNames(), true, Device.CPU).open()) {
            System.err.println(AgentRun.run(stage, backend, agent, System.err).describe());
        }
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


    private static List<String> notes(Options o, Budget b, SftRun.Summary trained) {
        List<String> notes = new ArrayList<>();
        notes.add(o.fixedSteps() ? String.format(Locale.ROOT, "demo finished in %.0f s", b.elapsed())
                : String.format(Locale.ROOT, "demo finished in %.0f s (budget %.0f s)", b.elapsed(), b.totalSeconds()));
        notes.add(String.format(Locale.ROOT, "fine-tuning from scratch: %d steps, lr %.0e (the paper's 5e-5 is for a "
                + "pre-trained opt-350m; a randomly initialised model needs a larger rate)", trained.result().globalStep(),
                o.learningRate()));
        if (o.constrainFunctionNames()) {
            notes.add("both agents decode function names format-safely (after \"Action:\" only an offered name; "
                    + "ToolBench decodes freely, as `tooltune run` does without --constrain-function-names)");
        }
        return notes;
    }

    /** Per model, over all held-out groups: the share of gold calls made exactly and of queries passing each check. */
    static Table summaryTable(Map<String, ExactScores> exact) {
        List<List<String>> rows = new ArrayList<>();
        exact.forEach((m, s) -> {
            ExactScores.Group t = s.total();
            rows.add(List.of(m, pct(t.exactCallRate()), pct(t.rate(t.apiRight())), pct(t.rate(t.argsRight())),
                    pct(t.rate(t.allRight()))));
        });
        return new Table("Untrained vs fine-tuned, all held-out groups (%)", List.of("model", "gold calls made exactly",
                "queries with every gold API", "also every argument", "all three checks"), rows);
    }

    /**
     * The summary with, per model, how many gold calls named a function the agent called (the function chosen
     * right, whatever its arguments), as "right/all".
     */
    static Table summaryTable(Map<String, ExactScores> exact, Map<String, RightFunctions> rightFunctions) {
        Table plain = summaryTable(exact);
        List<List<String>> rows = new ArrayList<>();
        for (List<String> row : plain.rows()) {
            List<String> r = new ArrayList<>(row);
            r.add(rightFunctions.get(row.get(0)).describe());
            rows.add(r);
        }
        List<String> header = new ArrayList<>(plain.header());
        header.add("gold calls with the right function");
        return new Table(plain.title(), header, rows);
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f", 100 * rate);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
