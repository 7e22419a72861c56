package io.tooltune.bench;

import io.tooltune.Json;
import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.RandomWalk;
import io.tooltune.generate.constrain.TokenMasker;
import io.tooltune.generate.constrain.ToolCallGrammar;
import io.tooltune.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * The cost of constrained decoding's token mask per decoded token, over a real vocabulary: random walks (a random
 * allowed token each step) through an OpenAI-style call to one of three realistic tools, timing each mask. Reports
 * the median and mean microseconds per token with the mask cache (as decoding runs) and without it (every mask walks
 * the vocabulary's prefix tree; transitions already warm).
 */
@Command(name = "constrained-mask-bench", mixinStandardHelpOptions = true)
public final class ConstrainedMaskBenchmark implements Callable<Integer> {
    @Option(names = "--tokenizer", description = "tokenizer folder (default: the OPT fixture's)")
    Path tokenizer = Path.of("..", "shared", "fixtures", "opt", "tokenizer");
    @Option(names = "--vocab", description = "vocabulary size (default: OPT's ${DEFAULT-VALUE})")
    int vocab = 50_272;
    @Option(names = "--eos", description = "end-of-sequence id (default ${DEFAULT-VALUE}); ids below it are special too")
    int eos = 2;
    @Option(names = "--walks", description = "documents decoded per mode (default ${DEFAULT-VALUE})")
    int walks = 30;
    @Option(names = "--seed")
    long seed = 1;

    static final String TOOLS = """
            [{"type": "function", "function": {"name": "get_weather", "description": "Current weather and forecast",
              "parameters": {"type": "object", "properties": {
                "city": {"type": "string", "description": "City name, e.g. Paris"},
                "days": {"type": "integer", "description": "Forecast days"},
                "units": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "hourly": {"type": "boolean"}},
               "required": ["city", "units"]}}},
             {"type": "function", "function": {"name": "search_flights", "description": "Find flights",
              "parameters": {"type": "object", "properties": {
                "from": {"type": "string"}, "to": {"type": "string"}, "date": {"type": "string"},
                "passengers": {"type": "integer"},
                "cabin": {"anyOf": [{"enum": ["economy", "business", "first"]}, {"type": "null"}]},
                "max_stops": {"type": "number"},
                "airlines": {"type": "array", "items": {"type": "string"}, "maxItems": 5}},
               "required": ["from", "to", "date"], "additionalProperties": false}}},
             {"type": "function", "function": {"name": "Finish", "description": "Give the final answer",
              "parameters": {"type": "object", "properties": {
                "return_type": {"type": "string", "enum": ["give_answer", "give_up_and_restart"]},
                "final_answer": {"type": "string"}},
               "required": ["return_type"]}}}]""";

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConstrainedMaskBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String[] texts;
        long t0 = System.nanoTime();
        try (Tokenizer t = Tokenizer.load(tokenizer)) {
            texts = FunctionNameConstraint.tokenTexts(t, vocab);
        }
        BitSet specials = new BitSet();
        specials.set(0, eos + 1);
        long t1 = System.nanoTime();
        TokenMasker cached = new TokenMasker(texts, specials, eos);
        long t2 = System.nanoTime();
        TokenMasker uncached = new TokenMasker(texts, specials, eos, 0);
        List<ToolCallGrammar.Function> functions = ToolCallGrammar.functions(Json.MAPPER.readTree(TOOLS), "bench");
        System.out.printf("vocabulary %,d token texts decoded in %.1f s; prefix tree built in %.0f ms%n",
                texts.length, (t1 - t0) / 1e9, (t2 - t1) / 1e6);
        measure("one grammar, masks cached", cached, functions, texts, false);
        measure("a new grammar per document (as per request), masks cached", cached, functions, texts, true);
        measure("no mask cache (every mask walks the tree)", uncached, functions, texts, false);
        return 0;
    }

    private void measure(String mode, TokenMasker masker, List<ToolCallGrammar.Function> functions, String[] texts,
                         boolean grammarPerDocument) {
        Grammar g = null;
        RandomWalk walker = new RandomWalk(texts, masker, eos);
        Random rnd = new Random(seed);
        List<Long> nanos = new ArrayList<>();
        int ended = 0, chars = 0, states = 0;
        long start = System.nanoTime();
        for (int w = 0; w < walks; w++) {
            if (g == null || grammarPerDocument) {
                if (g != null) states += g.stateCount();
                g = ToolCallGrammar.openAi(functions, "bench", JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE);
            }
            RandomWalk.Result r = walker.run(g, rnd, 2000, nanos::add);
            if (r.ended()) ended++;
            chars += r.text().length();
        }
        states += g.stateCount();
        long wall = System.nanoTime() - start;
        Collections.sort(nanos);
        double mean = nanos.stream().mapToLong(Long::longValue).average().orElse(0) / 1e3;
        System.out.printf("%s: %d documents (%d ended), %,d tokens, %,d chars, %,d grammar states, %.1f s%n",
                mode, walks, ended, nanos.size(), chars, states, wall / 1e9);
        System.out.printf("  mask per token: median %.1f us, p90 %.1f us, p99 %.1f us, mean %.1f us%n",
                pct(nanos, 50), pct(nanos, 90), pct(nanos, 99), mean);
    }

    private static double pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100)) / 1e3;
    }
}
