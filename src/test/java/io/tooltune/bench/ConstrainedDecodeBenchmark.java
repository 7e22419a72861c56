package io.tooltune.bench;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.data.FunctionSchemas;
import io.tooltune.generate.FunctionNameConstraint;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.Generator;
import io.tooltune.generate.GrammarConstraint;
import io.tooltune.generate.TokenConstraint;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.JsonSchemaGrammar;
import io.tooltune.generate.constrain.TokenMasker;
import io.tooltune.generate.constrain.ToolCallGrammar;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * The cost of schema-constrained decoding inside the real decode loop: the same prompts through {@link Generator}
 * (batch 1, KV cache, sampling at temperature 1 with a fixed seed) free and held to a ReAct tool-call grammar
 * ({@link ToolCallGrammar#reactReply} over a weather tool and ToolBench's Finish), for an OPT model with random
 * weights and the OPT vocabulary (50,272 tokens). Reports milliseconds per generated token for both and their
 * ratio (a constrained sequence may end earlier, so time per token is what compares), with the grammar's masks
 * cold (first sequence) and warm (its states met before), and the time spent in the constraint itself (its masks
 * and its reading of each picked token, timed inside the loop), which a loaded machine's noise does not blur.
 * Prints one JSON line.
 */
@Command(name = "constrained-decode-bench", mixinStandardHelpOptions = true,
        description = "Decode time per token with and without a grammar constraint.")
public final class ConstrainedDecodeBenchmark implements Callable<Integer> {
    @Option(names = "--tokenizer", defaultValue = "../shared/fixtures/opt/tokenizer", description = "OPT tokenizer folder (default ${DEFAULT-VALUE})")
    Path tokenizerDir;
    @Option(names = "--shape", defaultValue = "tiny", description = "tiny (OptConfig.tiny: width 64, 2 layers) or opt350m (default ${DEFAULT-VALUE})")
    String shape;
    @Option(names = "--tokens", defaultValue = "64", description = "new tokens per sequence (default ${DEFAULT-VALUE})")
    int tokens;
    @Option(names = "--runs", defaultValue = "5", description = "sequences per mode after the cold one (default ${DEFAULT-VALUE})")
    int runs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConstrainedDecodeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Engine.getInstance();
        OptConfig cfg = shape.equals("opt350m") ? OptConfig.opt350m() : OptConfig.tiny();
        try (OptModel model = OptModel.random(cfg, 1); Tokenizer tok = Tokenizer.load(tokenizerDir)) {
            long t0 = System.nanoTime();
            String[] texts = FunctionNameConstraint.tokenTexts(tok, cfg.vocabSize());
            BitSet specials = new BitSet();
            specials.set(0, 4);
            TokenMasker masker = new TokenMasker(texts, specials, cfg.eosTokenId());
            double vocabSeconds = (System.nanoTime() - t0) / 1e9;
            Grammar grammar = ToolCallGrammar.reactReply(ToolCallGrammar.functions(functions(), "bench"), "bench",
                    JsonSchemaGrammar.DEFAULT_MAX_WHITESPACE);
            Generator g = new Generator(model, tok, true, false);
            SplittableRandom rnd = new SplittableRandom(2);
            g.generate(List.of(prompt(rnd)), GenerationConfig.greedy(4)); // warm-up of the engine
            double[] cold = decode(g, prompt(rnd), 0, () -> new Timed(new GrammarConstraint(grammar, masker, texts)));
            Timed.nanos = 0;
            List<Double> free = new ArrayList<>(), constrained = new ArrayList<>();
            long freeTokens = 0, constrainedTokens = 0;
            for (int r = 1; r <= runs; r++) {
                long[] p = prompt(rnd);
                double[] f = decode(g, p, r, () -> null);
                double[] c = decode(g, p, r, () -> new Timed(new GrammarConstraint(grammar, masker, texts)));
                free.add(f[0] / f[1]);
                constrained.add(c[0] / c[1]);
                freeTokens += (long) f[1];
                constrainedTokens += (long) c[1];
            }
            double freeMs = 1000 * BenchTiming.median(free), constrainedMs = 1000 * BenchTiming.median(constrained);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("shape", shape);
            out.put("vocab", cfg.vocabSize());
            out.put("runs", runs);
            out.put("vocabulary_setup_s", vocabSeconds);
            out.put("free_ms_per_token", freeMs);
            out.put("constrained_ms_per_token", constrainedMs);
            out.put("ratio", constrainedMs / freeMs);
            out.put("cold_constrained_ms_per_token", 1000 * cold[0] / cold[1]);
            out.put("constraint_ms_per_token", Timed.nanos / 1e6 / constrainedTokens);
            out.put("constraint_share_of_free_decode", Timed.nanos / 1e6 / constrainedTokens / freeMs);
            out.put("free_tokens", freeTokens);
            out.put("constrained_tokens", constrainedTokens);
            out.put("grammar_states", grammar.stateCount());
            System.out.println(Json.MAPPER.writeValueAsString(out));
        }
        return 0;
    }

    /** Seconds and tokens of one sequence. */
    private double[] decode(Generator g, long[] prompt, long seed, java.util.function.Supplier<TokenConstraint> c) {
        GenerationConfig cfg = GenerationConfig.sampling(tokens, 1.0).withSeed(seed).withStopAtEos(false);
        List<TokenConstraint> cs = new ArrayList<>();
        cs.add(c.get());
        long t = System.nanoTime();
        Generator.Output o = g.generate(List.of(prompt), cfg, i -> false, cs).get(0);
        return new double[] {(System.nanoTime() - t) / 1e9, o.ids().length};
    }

    /** A constraint whose calls are timed (one sequence at a time, so one counter serves). */
    private record Timed(TokenConstraint inner) implements TokenConstraint {
        static long nanos;

        @Override
        public BitSet allowed(int tokensLeft) {
            long t = System.nanoTime();
            BitSet b = inner.allowed(tokensLeft);
            nanos += System.nanoTime() - t;
            return b;
        }

        @Override
        public void accept(int tokenId) {
            long t = System.nanoTime();
            inner.accept(tokenId);
            nanos += System.nanoTime() - t;
        }

        @Override
        public boolean finished() {
            return inner.finished();
        }
    }

    private static ArrayNode functions() {
        ArrayNode fs = Json.MAPPER.createArrayNode();
        ObjectNode weather = fs.addObject().put("name", "get_weather_for_weatherapi").put("description", "weather");
        ObjectNode params = weather.putObject("parameters").put("type", "object");
        ObjectNode props = params.putObject("properties");
        props.putObject("city").put("type", "string");
        props.putObject("days").put("type", "integer");
        props.putObject("unit").put("type", "string").putArray("enum").add("celsius").add("fahrenheit");
        params.putArray("required").add("city");
        fs.add(FunctionSchemas.finish(FunctionSchemas.FinishWording.INFERENCE));
        return fs;
    }

    private static long[] prompt(SplittableRandom rnd) {
        long[] p = new long[32];
        p[0] = 2;
        for (int j = 1; j < p.length; j++) p[j] = 4 + rnd.nextInt(50000);
        return p;
    }
}
