package io.tooltune.pipeline;

import io.tooltune.BadInputException;
import io.tooltune.agent.AgentRun;
import io.tooltune.agent.CotSearch;
import io.tooltune.backend.LocalToolLlamaBackend;
import io.tooltune.data.Prepare;
import io.tooltune.eval.EvalReport;
import io.tooltune.eval.EvalRun;
import io.tooltune.eval.PassAndWinRates;
import io.tooltune.eval.OpenAiJudge;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.model.Device;
import io.tooltune.tools.SchemaSimulator;
import io.tooltune.train.SftConfig;
import io.tooltune.train.SftRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's protocol on real inputs: prepare the ToolBench training data with the base model's tokenizer,
 * fine-tune, run the CoT agent on each test group against the embedded virtual API server, and evaluate with an
 * OpenAI-compatible judge, which writes the tables, the radar chart and report.html.
 */
public final class Reproduce {
    private Reproduce() {}

    /**
     * {@code train}: the recipe (the paper's, from {@code train}'s defaults); {@code maxIterations}: model replies
     * per chain, so a chain depth of 3 × that in nodes (each reply adds Thought, Action and Action Input);
     * {@code maxNewTokens}: null for ToolBench's 512.
     */
    public record Options(ReproduceInputs inputs, String judgeModel, int evaluateTimes, Path output, SftConfig train,
                          int batchSize, double temperature, int maxIterations, Integer maxNewTokens) {
        public Options {
            if (evaluateTimes < 4) {
                throw new BadInputException("--evaluate-times: the protocol needs at least 4 judgements per query, got "
                        + evaluateTimes);
            }
        }
    }

    /** Runs every stage; returns report.html. */
    public static Path run(Options o) {
        ReproduceInputs in = o.inputs();
        Path sft = o.output().resolve("sft/train.jsonl");
        Path model = o.output().resolve("model");
        Path answers = o.output().resolve("answers");
        Path eval = o.output().resolve("eval");
        Budget clock = new Budget(Double.MAX_VALUE / 120);
        clock.phase("prepare", () -> {
            // the recipe's context (TRL's max_seq_length for OPT); prepare cuts to it keeping the target
            Prepare.Result r = Prepare.run(Prepare.Options.toolBench(in.trainingData(), in.model(), sft,
                    o.train().maxLength()), System.err);
            System.err.println("prepare: " + r.instances() + " instances, records " + r.log().summary() + " -> " + sft);
        });
        clock.phase("train", () -> {
            SftRun.Summary s = SftRun.run(SftRun.Options.of(in.model(), sft, model, o.train()));
            System.err.printf(Locale.ROOT, "train: %d steps on %d examples; model in %s%n", s.result().globalStep(),
                    s.examples(), model);
        });
        AgentRun.Options agent = new AgentRun.Options(AgentRun.Method.COT, 1, 3 * o.maxIterations(),
                CotSearch.PAPER_MAX_ITERATIONS, 2, 200, o.batchSize(), "");
        int maxNewTokens = o.maxNewTokens() != null ? o.maxNewTokens() : GenerationConfig.TOOLLLAMA_MAX_NEW_TOKENS;
        try (LocalToolLlamaBackend backend = new AgentRun.LocalModel(model, maxNewTokens, o.temperature(),
                GenerationConfig.TOOLLLAMA_SEED, o.batchSize(), false, false, Device.CPU).open()) {
            for (Map.Entry<String, Path> g : in.queryFiles().entrySet()) {
                AgentRun.Stage stage = AgentRun.Stage.embedded(g.getValue(), in.toolsDir(), answers.resolve(g.getKey()),
                        o.output().resolve("tool_response_cache.sqlite"), new SchemaSimulator());
                clock.phase("run " + g.getKey(), () -> System.err.println(AgentRun.run(stage, backend, agent, System.err).describe()));
            }
        }
        PassAndWinRates.Options defaults = EvalRun.DEFAULT_OPTIONS;
        EvalRun.Stage stage = new EvalRun.Stage(List.of(answers), List.of("fine-tuned"), eval, null, null, Map.of(),
                new PassAndWinRates.Options(o.evaluateTimes(), defaults.metric(), defaults.seed(), defaults.concurrency(),
                        defaults.passShortcut()), null);
        OpenAiJudge judge = new OpenAiJudge(OpenAiJudge.Config.defaults(in.judgeUrl().toString(), o.judgeModel(),
                System.getenv("OPENAI_API_KEY")));
        EvalRun.Outcome r = clock.phase("eval", () -> {
            try {
                return EvalRun.run(stage, judge);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        System.out.print(EvalReport.byGroup(r.result()).markdown() + EvalReport.intervals(r.result()).markdown());
        if (r.result().pending() > 0) {
            throw new IllegalStateException(r.result().pending() + " queries pending (judge unavailable); rerun to resume");
        }
        return r.report();
    }
}
