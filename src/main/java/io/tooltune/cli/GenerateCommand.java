package io.tooltune.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a Hugging Face model folder of any registered family (greedy unless --temperature > 0).")
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption model;

    @Mixin
    AdapterOption adapter;

    @Option(names = "--prompt", required = true, description = "prompt text, tokenized as the model's tokenizer does (OPT's and Llama's prepend their BOS token)")
    String prompt;

    @Mixin
    SamplingOptions sampling = new SamplingOptions(32, 0);

    @Option(names = "--top-p", converter = Ranges.Probability.class, defaultValue = "1", description = "nucleus sampling mass, 1 = off (default)")
    double topP;

    @Option(names = "--top-k", converter = Ranges.NonNegative.class, defaultValue = "0", description = "keep the k most likely tokens, 0 = off (default)")
    int topK;

    /** Sampling seed; none: unseeded. */
    @Mixin
    SeedOption seed = new SeedOption(null);

    @Option(names = "--stop", description = "stop string (repeatable); the text is cut before it")
    List<String> stop = List.of();

    @Option(names = "--no-eos-stop", description = "keep generating after the end-of-sequence token")
    boolean noEosStop;

    @Option(names = "--json", description = "print {\"prompt_ids\":[...],\"output_ids\":[...],\"text\":\"...\"}")
    boolean json;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        GenerationConfig cfg;
        try {
            cfg = GenerationConfig.sampling(sampling.maxNewTokens, sampling.temperature).withTopP(topP).withTopK(topK)
                    .withSeed(seed.seed).withStopStrings(stop).withStopAtEos(!noEosStop);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (LoadedModel m = ModelFolder.load(model.dir, device.device(), adapter.dir)) {
            long[] ids = m.tokenizer().encode(prompt);
            int context = m.model().config().maxPositionEmbeddings();
            if (ids.length < context && ids.length + cfg.maxNewTokens() > context) {
                System.err.printf("tooltune generate: warning: the prompt's %d tokens leave room for %d of --max-new-tokens %d"
                        + " in the model's context of %d; generation stops there%n", ids.length, context - ids.length,
                        cfg.maxNewTokens(), context);
            }
            Generator.Output out = new Generator(m.model(), m.tokenizer()).generate(List.of(ids), cfg).get(0);
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                var p = o.putArray("prompt_ids");
                for (long id : ids) p.add(id);
                var g = o.putArray("output_ids");
                for (long id : out.ids()) g.add(id);
                o.put("text", out.text());
                spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(o));
            } else {
                spec.commandLine().getOut().println(prompt + out.text());
            }
        }
        return 0;
    }
}
