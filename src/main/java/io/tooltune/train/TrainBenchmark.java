package io.tooltune.train;

import ai.djl.ndarray.types.DataType;
import io.tooltune.Json;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput of the real trainer on an opt-350m-shaped random model: {@code steps} optimizer steps (plus
 * one warm-up step) of batch × seq tokens, every token a label, AdamW and clipping included. Prints one JSON line
 * with the median step time, tokens/s and the process's peak resident memory (VmHWM). Run it once per setting, in
 * a fresh JVM, so the peak belongs to that setting: see bench/train-bench.sh.
 * <p>usage: TrainBenchmark [--checkpointing] [--steps N] [--batch B] [--seq T] [--fp16] [--tiny]
 */
public final class TrainBenchmark {
    private TrainBenchmark() {}

    public static void main(String[] args) throws IOException {
        List<String> a = Arrays.asList(args);
        boolean checkpointing = a.contains("--checkpointing");
        boolean fp16 = a.contains("--fp16");
        int steps = intArg(a, "--steps", 3);
        int batch = intArg(a, "--batch", 4);
        int seq = intArg(a, "--seq", 256);
        OptConfig cfg = a.contains("--tiny")
                ? new OptConfig(50272, 64, 256, 2, 4, 32, 2048, false, 0.1, true, 1, 2, 2)
                : new OptConfig(50272, 1024, 4096, 24, 16, 512, 2048, false, 0.1, true, 1, 2, 2);
        Random r = new Random(1);
        List<SftExample> data = new ArrayList<>();
        for (int i = 0; i < (steps + 1) * batch; i++) {
            int[] ids = new int[seq];
            ids[0] = 2;
            for (int t = 1; t < seq; t++) ids[t] = 4 + r.nextInt(50000);
            data.add(new SftExample("bench" + i, ids, ids.clone()));
        }
        SftConfig sc = new SftConfig(5e-5, 0, LrSchedule.LINEAR, batch, 1, 0.3, 0.01, 0.9, 0.999, 1e-8, 1, steps + 1,
                seq, 42, false, false, fp16 ? SftConfig.Precision.FP16 : SftConfig.Precision.FP32, checkpointing, 0, 0);
        Path out = Files.createTempDirectory("tooltune-bench");
        long modelStart = System.nanoTime();
        try (OptModel model = OptModel.random(cfg, 7)) {
            System.err.printf("model ready in %.1fs%n", (System.nanoTime() - modelStart) / 1e9);
            SftTrainer t = new SftTrainer(model, sc, out, (m, d) -> { }, m -> ((OptModel) m).copyAs(DataType.FLOAT16));
            t.saveAtEnd(false);
            List<StepLog> log = t.train(data).log();
            double[] secs = log.stream().skip(1).mapToDouble(StepLog::seconds).sorted().toArray();
            double median = secs.length % 2 == 1 ? secs[secs.length / 2]
                    : (secs[secs.length / 2 - 1] + secs[secs.length / 2]) / 2;
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("impl", "tooltune (DJL " + ai.djl.engine.Engine.getInstance().getVersion() + ", "
                    + ai.djl.pytorch.jni.JniUtils.getNumThreads() + " threads)");
            res.put("precision", fp16 ? "fp16" : "fp32");
            res.put("gradient_checkpointing", checkpointing);
            res.put("batch", batch + "x" + seq);
            res.put("step_seconds", Arrays.stream(log.stream().mapToDouble(StepLog::seconds).toArray())
                    .map(x -> Math.round(x * 1000) / 1000.0).boxed().toList());
            res.put("median_step_s", median);
            res.put("tokens_per_s", batch * seq / median);
            res.put("peak_rss_mb", peakRssMb());
            res.put("final_loss", log.get(log.size() - 1).loss());
            System.out.println(Json.MAPPER.writeValueAsString(res));
        } finally {
            Checkpoints.deleteTree(out);
        }
    }

    private static int intArg(List<String> a, String name, int def) {
        int i = a.indexOf(name);
        return i >= 0 ? Integer.parseInt(a.get(i + 1)) : def;
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
