package io.tooltune.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.tooltune.Json;
import io.tooltune.model.CausalLM;
import io.tooltune.model.LoraAdapter;
import io.tooltune.model.LoraConfig;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.train.Packing;
import io.tooltune.train.SftConfig;
import io.tooltune.train.SftExample;
import io.tooltune.train.SftTrainer;
import io.tooltune.train.StepLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Training throughput of the real trainer on an opt-350m-shaped random model: {@code --steps} optimizer steps
 * (plus one warm-up step) of batch × seq tokens, every token a label, AdamW and clipping included, nothing saved.
 * Prints one JSON line with the median step time, tokens/s and the process's peak resident memory (VmHWM). Run it
 * once per setting, in a fresh JVM, so the peak belongs to that setting: see bench/train-bench.sh.
 */
@Command(name = "TrainBenchmark", mixinStandardHelpOptions = true,
        description = "Training step time, tokens/s and peak memory on a random opt-350m-shaped model.")
public final class TrainBenchmark implements Callable<Integer> {
    @Option(names = "--steps", description = "measured optimizer steps (default ${DEFAULT-VALUE})")
    int steps = 3;
    @Option(names = "--batch", description = "examples per step (default ${DEFAULT-VALUE})")
    int batch = 4;
    @Option(names = "--seq", description = "tokens per example (default ${DEFAULT-VALUE})")
    int seq = 256;
    @Option(names = "--checkpointing", description = "gradient checkpointing")
    boolean checkpointing;
    @Option(names = "--fp16", description = "float16 working weights over float32 masters")
    boolean fp16;
    @Option(names = "--tiny", description = "a 2-layer, 64-wide model of the same layout (a quick check)")
    boolean tiny;
    @Option(names = "--shape", description = "opt350m or qwen2.5-0.5b (default ${DEFAULT-VALUE}; --tiny overrides)")
    String shape = "opt350m";
    @Option(names = "--layers", description = "decoder layers of the shape, fewer to fit a machine's memory (default ${DEFAULT-VALUE})")
    int layers = 24;
    @Option(names = "--lora-r", description = "train a LoRA adapter of this rank on every Linear (alpha 2r) instead of every weight")
    int loraR;
    @Option(names = "--lengths", description = "example lengths from this SFT JSONL (its input_ids, in file order, cut to --seq) instead of every example --seq long")
    Path lengths;
    @Option(names = "--packing", description = "pack examples into rows of --seq tokens (train --packing)")
    boolean packing;
    @Option(names = "--base-fp16", description = "with --lora-r: hold the frozen base's Linear weights in float16 (train --base-precision fp16)")
    boolean baseFp16;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Random r = new Random(1);
        int[] lens = lengths == null ? new int[] {seq} : exampleLengths(lengths);
        // enough examples for every step even when packing puts several into a row
        int examples = (steps + 1) * batch * (lengths == null ? 1 : Math.max(1, 2 * seq / median(lens)));
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            int[] ids = new int[Math.min(seq, lens[i % lens.length])];
            ids[0] = 2;
            for (int t = 1; t < ids.length; t++) ids[t] = 4 + r.nextInt(50000);
            data.add(new SftExample("bench" + i, ids, ids.clone()));
        }
        SftConfig sc = SftConfig.paper().toBuilder().warmupSteps(0).batchSize(batch).gradientAccumulationSteps(1)
                .maxSteps(steps + 1).maxLength(seq).shuffle(false)
                .precision(fp16 ? SftConfig.Precision.FP16 : SftConfig.Precision.FP32)
                .gradientCheckpointing(checkpointing).saveSteps(0).loggingSteps(0).packing(packing)
                .basePrecision(baseFp16 ? SftConfig.BasePrecision.FP16 : SftConfig.BasePrecision.FP32).build();
        long modelStart = System.nanoTime();
        try (CausalLM model = tiny ? OptModel.random(OptConfig.tiny(), 7) : BenchShape.of(shape).random(7, layers)) {
            if (loraR > 0) {
                model.linears().attach(LoraAdapter.initialize(model,
                        LoraConfig.of(loraR, 2 * loraR, 0, List.of(LoraConfig.ALL_LINEAR), false), 7));
            }
            System.err.printf("model ready in %.1fs%n", (System.nanoTime() - modelStart) / 1e9);
            // no log writer, checkpointer or progress listener: the steps alone are measured
            // packing happens before the trainer, as train does it (SftRun)
            List<StepLog> log = new SftTrainer(model, sc).train(packing ? Packing.pack(data, seq) : data).log();
            double[] secs = log.stream().skip(1).mapToDouble(StepLog::seconds).sorted().toArray();
            double median = secs.length % 2 == 1 ? secs[secs.length / 2]
                    : (secs[secs.length / 2 - 1] + secs[secs.length / 2]) / 2;
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("impl", "tooltune (DJL " + Engine.getInstance().getVersion() + ", " + JniUtils.getNumThreads()
                    + " threads)");
            res.put("shape", tiny ? "tiny" : shape);
            res.put("precision", fp16 ? "fp16" : "fp32");
            res.put("gradient_checkpointing", checkpointing);
            res.put("trained", loraR > 0 ? "LoRA r " + loraR + ", all linear, " + (baseFp16 ? "fp16" : "fp32") + " base"
                    : "every weight");
            res.put("layers", model.config().numLayers());
            res.put("batch", batch + "x" + seq);
            res.put("step_seconds", log.stream().map(s -> Math.round(s.seconds() * 1000) / 1000.0).toList());
            res.put("median_step_s", median);
            res.put("tokens_per_s", batch * seq / median);
            if (lengths != null) {
                // rows are no longer all --seq long: count the tokens that are not padding
                List<StepLog> measured = log.subList(1, log.size());
                res.put("lengths_from", lengths.toString());
                res.put("packing", packing);
                res.put("real_tokens_per_s", measured.stream().mapToLong(StepLog::tokens).sum()
                        / measured.stream().mapToDouble(StepLog::seconds).sum());
            }
            res.put("peak_rss_mb", peakRssMb());
            res.put("final_loss", log.get(log.size() - 1).loss());
            System.out.println(Json.MAPPER.writeValueAsString(res));
        }
        return 0;
    }

    /** The input_ids length of every record of an SFT JSON Lines file. */
    static int[] exampleLengths(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> !l.isBlank()).mapToInt(l -> {
                try {
                    return Json.MAPPER.readTree(l).get("input_ids").size();
                } catch (IOException e) {
                    throw new UncheckedIOException(file + ": " + e.getMessage(), e);
                }
            }).toArray();
        }
    }

    static int median(int[] values) {
        int[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The process's peak resident set size (VmHWM) in MiB, or -1 where /proc is unavailable. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
