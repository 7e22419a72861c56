package io.tooltune.cli;

import io.tooltune.BadInputException;
import io.tooltune.backend.OpenAiClient;
import io.tooltune.eval.bfcl.BfclPrompt;
import io.tooltune.eval.bfcl.BfclReport;
import io.tooltune.eval.bfcl.BfclRun;
import io.tooltune.eval.bfcl.EndpointPromptModel;
import io.tooltune.eval.bfcl.LocalPromptModel;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.model.io.ModelFolder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tooltune bfcl}: the Berkeley Function Calling Leaderboard's single-turn categories, scored as BFCL does. */
@Command(name = "bfcl", mixinStandardHelpOptions = true,
        description = "Berkeley Function Calling Leaderboard (v4, single-turn, prompt mode): generate and score result files.",
        subcommands = {BfclCommand.Score.class, BfclCommand.Run.class})
public final class BfclCommand {

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Score BFCL result files (BFCL_v4_<category>_result.json, {\"id\", \"result\"} lines) with BFCL's "
                    + "decoder and AST checker: verdicts.jsonl, scores.json and scores.md in --output, the table on stdout. "
                    + "A file may hold a subset of its category (BFCL's --partial-eval); its accuracy is over its lines.")
    static final class Score implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "BFCL data folder: BFCL_v4_<category>.json and possible_answer/.")
        Path data;
        @Option(names = "--results", required = true, description = "Folder of BFCL_v4_<category>_result.json files.")
        Path results;
        @Option(names = "--output", required = true, description = "Output folder.")
        Path output;

        @Override
        public Integer call() throws Exception {
            BfclReport.Outcome o = BfclReport.scoreAndWrite(data, results, output, System.err);
            System.out.print(o.markdown());
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Answer BFCL entries in prompt mode (BFCL's system prompt), writing OUTPUT/results/BFCL_v4_<category>"
                    + "_result.json (resumable: answered ids are skipped), then score them into OUTPUT. Function-calling "
                    + "mode is not available yet (it needs chat templates).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "BFCL data folder: BFCL_v4_<category>.json and possible_answer/.")
        Path data;
        @ArgGroup(exclusive = true, multiplicity = "1")
        ModelSource model;

        @Option(names = "--openai-model", description = "Model name for --openai-url.")
        String openaiModel;
        @Option(names = "--categories", required = true, description = "Comma-separated BFCL categories or groups (non_live, live, all).")
        String categories;
        @Option(names = "--output", required = true, description = "Output folder.")
        Path output;
        @Option(names = "--temperature", converter = Ranges.NonNegativeReal.class, defaultValue = "" + BfclPrompt.DEFAULT_TEMPERATURE, description = "Sampling temperature (default ${DEFAULT-VALUE}, as BFCL).")
        double temperature;
        @Option(names = "--batch-size", converter = Ranges.Positive.class, defaultValue = "8", description = "Entries answered at once: requests in flight to an endpoint, one decoding batch for a local model (default ${DEFAULT-VALUE}).")
        int batchSize;
        @Option(names = "--max-new-tokens", converter = Ranges.Positive.class, defaultValue = "512", description = "Local model: tokens per answer (default ${DEFAULT-VALUE}).")
        int maxNewTokens;
        @Option(names = "--seed", defaultValue = "42", description = "Local model: sampling seed (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--timeout", converter = Ranges.Positive.class, defaultValue = "300", description = "Endpoint: seconds per request (default ${DEFAULT-VALUE}).")
        int timeout;

        @Mixin
        DeviceOption device;

        @Override
        public Integer call() throws Exception {
            BfclRun.Options o = new BfclRun.Options(data, BfclRun.categories(categories), output.resolve("results"), batchSize);
            BfclRun.Summary s;
            if (model.openaiUrl != null) {
                if (openaiModel == null) throw new BadInputException("--openai-url needs --openai-model");
                OpenAiClient client = new OpenAiClient(model.openaiUrl, OpenAiClient.keyFromEnvironment(), Duration.ofSeconds(timeout));
                s = BfclRun.run(o, new EndpointPromptModel(client, openaiModel, temperature), System.err);
            } else {
                GenerationConfig cfg = GenerationConfig.sampling(maxNewTokens, temperature).withSeed(seed);
                try (InferenceWorker worker = InferenceWorker.forModel(ModelFolder.load(model.dir, device.device()), batchSize, 0)) {
                    s = BfclRun.run(o, new LocalPromptModel(worker, cfg), System.err);
                }
            }
            System.err.println(s.describe());
            if (s.failed() > 0) {
                System.err.println("tooltune: " + s.failed() + " entries failed; rerun the same command to retry them");
                return 1;
            }
            BfclReport.Outcome r = BfclReport.scoreAndWrite(data, o.resultsDir(), output, System.err);
            System.out.print(r.markdown());
            return 0;
        }
    }
}
