package io.tooltune.cli;

import io.tooltune.BadInputException;
import io.tooltune.agent.AgentRun;
import io.tooltune.backend.ChatBackend;
import io.tooltune.backend.LocalChatTemplateBackend;
import io.tooltune.backend.OpenAiBackend;
import io.tooltune.backend.OpenAiClient;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.tools.VirtualApis;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code tooltune run}: CoT or DFSDT over test queries, writing ToolBench raw answer files. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an agent (CoT or DFSDT) over queries against the virtual API server.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--queries", required = true, description = "Query file or folder of query files.")
    Path queries;
    @ArgGroup(exclusive = true, multiplicity = "1")
    ModelSource model;

    @Option(names = "--openai-model", description = "Model name for --openai-url.")
    String openaiModel;
    @Option(names = "--openai-max-tokens", converter = Ranges.Positive.class,
            defaultValue = "" + OpenAiBackend.TOOLBENCH_MAX_TOKENS,
            description = "--openai-url: max_tokens per reply (default ${DEFAULT-VALUE}, as ToolBench's ChatGPT runs).")
    int openaiMaxTokens;
    @Option(names = "--openai-attempts", converter = Ranges.Positive.class, defaultValue = "5", description = "--openai-url: "
            + "tries per model call when the endpoint is down, times out or answers 429/5xx; after the last the query "
            + "is left pending for a rerun (default ${DEFAULT-VALUE}).")
    int openaiAttempts;
    @Option(names = "--openai-backoff-ms", converter = Ranges.NonNegativeLong.class, defaultValue = "2000",
            description = "--openai-url: first retry delay, doubled per retry (default ${DEFAULT-VALUE}).")
    long openaiBackoffMs;
    @Option(names = "--method", required = true, description = "cot or dfs.")
    AgentRun.Method method;
    @ArgGroup(exclusive = true, multiplicity = "1")
    ApiChoice api;

    static final class ApiChoice {
        @Option(names = "--api-url", description = "Tool service URL, e.g. http://127.0.0.1:8080/virtual.")
        String url;
        @Option(names = "--api-embedded", description = "Run the virtual API server in process.")
        boolean embedded;
    }

    @Mixin
    OutputOption output;
    @Option(names = "--cache", defaultValue = "tool_response_cache.sqlite", description = "Cache for --api-embedded (default ${DEFAULT-VALUE}).")
    Path cache;
    @Option(names = "--tools", description = "ToolBench toolenv/tools folder (tool descriptions for the prompt).")
    Path tools;
    @Option(names = "--simulator-url", description = "LLM simulator endpoint for --api-embedded (default: offline schema simulator).")
    String simulatorUrl;
    @Option(names = "--simulator-model", defaultValue = "gpt-4-turbo")
    String simulatorModel;
    /** ToolBench's: 512 tokens per reply (local model), temperature 0.1. */
    @Mixin
    SamplingOptions sampling = new SamplingOptions(GenerationConfig.TOOLLLAMA_MAX_NEW_TOKENS,
            GenerationConfig.TOOLLLAMA_TEMPERATURE);
    @Option(names = "--max-steps", converter = Ranges.Positive.class, defaultValue = "12", description = "Tree depth limit, in nodes, as ToolBench's single_chain_max_step (default ${DEFAULT-VALUE}).")
    int maxSteps;
    @Option(names = "--max-iterations", converter = Ranges.Positive.class, defaultValue = "10", description = "CoT: model replies per chain, the paper's "
            + "reasoning iterations (default ${DEFAULT-VALUE}); the chain also ends at --max-steps, whichever comes first.")
    int maxIterations;
    @Option(names = "--pass-at", converter = Ranges.Positive.class, defaultValue = "1", description = "CoT chains per query (default ${DEFAULT-VALUE}).")
    int passAt;
    @Option(names = "--max-model-calls", converter = Ranges.Positive.class, defaultValue = "200", description = "DFSDT model calls per query (default ${DEFAULT-VALUE}).")
    int maxQueryCount;
    @Mixin
    SeedOption seed = new SeedOption(GenerationConfig.TOOLLLAMA_SEED);
    @Option(names = "--batch-size", converter = Ranges.Positive.class, defaultValue = "8", description = "Queries in flight at once; the local model decodes their calls as one left-padded batch (default ${DEFAULT-VALUE}, as the paper).")
    int batchSize;
    @Option(names = "--constrain-function-names", description = "Local model: format-safe decoding, after \"Action:\" "
            + "only an offered function's name (Finish included) may follow; ToolBench decodes freely (default off).")
    boolean constrainFunctionNames;
    @Option(names = "--constrain", description = "Local model: schema-constrained decoding, every Action an offered "
            + "function (Finish included) and every Action Input valid JSON for its parameters; with --prompt-format "
            + "chat-template every reply one such call in the template's own syntax (default off).")
    boolean constrainCalls;

    @Option(names = "--prompt-format", defaultValue = "react", description = "Local model: react (ToolLLaMA's ReAct "
            + "prompt) or chat-template (the model's chat template and native tool calls, Finish offered as a tool) "
            + "(default ${DEFAULT-VALUE}).")
    String promptFormat;

    @Override
    public Integer call() throws Exception {
        if (!promptFormat.equals("react") && !promptFormat.equals("chat-template")) {
            throw new BadInputException("--prompt-format: react or chat-template, not '" + promptFormat + "'");
        }
        boolean chatTemplate = promptFormat.equals("chat-template");
        if (chatTemplate && model.dir == null) throw new BadInputException("--prompt-format chat-template needs a local --model");
        if (chatTemplate && constrainFunctionNames) {
            throw new BadInputException("--constrain-function-names applies to the ReAct prompt; with --prompt-format chat-template use --constrain");
        }
        if (constrainFunctionNames && model.dir == null) {
            throw new BadInputException("--constrain-function-names needs a local --model");
        }
        if (constrainCalls && model.dir == null) throw new BadInputException("--constrain needs a local --model");
        if (constrainCalls && constrainFunctionNames) {
            throw new BadInputException("--constrain already covers --constrain-function-names; give one of them");
        }
        AgentRun.Options o = new AgentRun.Options(method, passAt, maxSteps, maxIterations, 2, maxQueryCount, batchSize,
                System.getenv().getOrDefault("TOOLBENCH_KEY", ""));
        AgentRun.Stage stage = new AgentRun.Stage(queries, tools, output.path, api.embedded ? null : api.url, cache,
                api.embedded ? VirtualApis.simulator(simulatorUrl, simulatorModel) : null);
        try (ChatBackend backend = backend()) {
            AgentRun.Summary s = AgentRun.run(stage, backend, o, System.err);
            System.out.println(s.describe());
            return s.complete() ? 0 : 1;
        }
    }

    @Mixin
    DeviceOption device;

    @Mixin
    AdapterOption adapter;

    private ChatBackend backend() {
        if (model.openaiUrl != null) {
            if (adapter.dir != null) throw new BadInputException("--adapter needs a local --model");
            if (openaiModel == null) throw new BadInputException("--openai-url needs --openai-model");
            OpenAiClient.Retry retry = new OpenAiClient.Retry(openaiAttempts, Duration.ofMillis(openaiBackoffMs));
            return new OpenAiBackend(new OpenAiClient(model.openaiUrl, OpenAiClient.keyFromEnvironment(),
                    Duration.ofSeconds(300), retry), openaiModel, sampling.temperature, openaiMaxTokens);
        }
        if (promptFormat.equals("chat-template")) {
            GenerationConfig cfg = GenerationConfig.toolLlama().withMaxNewTokens(sampling.maxNewTokens)
                    .withTemperature(sampling.temperature).withSeed(seed.value());
            return LocalChatTemplateBackend.load(model.dir, adapter.dir, cfg, batchSize, device.device(), Clock.systemDefaultZone())
                    .constrainCalls(constrainCalls);
        }
        return new AgentRun.LocalModel(model.dir, sampling.maxNewTokens, sampling.temperature, seed.value(), batchSize,
                constrainFunctionNames, false, device.device(), adapter.dir, constrainCalls).open();
    }
}
