package io.tooltune.cli;

import io.tooltune.BadInputException;
import io.tooltune.model.LoraConfig;
import io.tooltune.train.LrSchedule;
import io.tooltune.train.SftConfig;
import io.tooltune.train.SftRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tooltune train}: supervised fine-tuning with the paper's recipe as defaults. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune a causal LM on SFT JSONL (input_ids/labels, text or conversations records).")
public final class TrainCommand implements Callable<Integer> {
    private static final SftConfig D = SftConfig.paper();

    @Option(names = "--model", required = true, description = "Hugging Face model folder to start from")
    Path model;
    @Option(names = "--data", required = true, description = "training data (JSONL)")
    Path data;
    @Option(names = "--output", required = true, description = "folder for checkpoints, the final model and logs")
    Path output;
    @Option(names = "--learning-rate", converter = Ranges.NonNegativeReal.class, description = "peak learning rate (default ${DEFAULT-VALUE})")
    double learningRate = D.learningRate();
    @Option(names = "--warmup-steps", converter = Ranges.NonNegative.class, description = "linear warm-up steps (default ${DEFAULT-VALUE})")
    int warmupSteps = D.warmupSteps();
    @Option(names = "--lr-scheduler", description = "linear, cosine or constant (default ${DEFAULT-VALUE})")
    String scheduler = "linear";
    @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per micro-batch (default ${DEFAULT-VALUE})")
    int batchSize = D.batchSize();
    @Option(names = "--gradient-accumulation-steps", converter = Ranges.Positive.class, description = "micro-batches per optimizer step (default ${DEFAULT-VALUE})")
    int accumulation = D.gradientAccumulationSteps();
    @Option(names = "--max-grad-norm", converter = Ranges.NonNegativeReal.class, description = "global-norm clipping, 0 = off (default ${DEFAULT-VALUE})")
    double maxGradNorm = D.maxGradNorm();
    @Option(names = "--weight-decay", converter = Ranges.NonNegativeReal.class, description = "AdamW decoupled weight decay (default ${DEFAULT-VALUE})")
    double weightDecay = D.weightDecay();
    @Option(names = "--epochs", converter = Ranges.Positive.class, description = "epochs (default ${DEFAULT-VALUE})")
    int epochs = D.epochs();
    @Option(names = "--max-steps", converter = Ranges.StepsOrEpochs.class, description = "optimizer steps, overriding --epochs when > 0 (default ${DEFAULT-VALUE})")
    int maxSteps = D.maxSteps();
    @Option(names = "--max-length", converter = Ranges.Positive.class, description = "tokens per example; longer ones are truncated (default ${DEFAULT-VALUE})")
    int maxLength = D.maxLength();
    @Option(names = "--seed", description = "data order and dropout seed (default ${DEFAULT-VALUE})")
    long seed = D.seed();
    @Option(names = "--shuffle", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "shuffle each epoch (default ${DEFAULT-VALUE})")
    boolean shuffle;
    @Option(names = "--group-by-length", description = "length-grouped batches (default ${DEFAULT-VALUE})")
    boolean groupByLength = D.groupByLength();
    @Option(names = "--precision", description = "fp32 or fp16 (default ${DEFAULT-VALUE})")
    SftConfig.Precision precision = D.precision();
    @Option(names = "--gradient-checkpointing", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "recompute decoder layers during backward (default ${DEFAULT-VALUE})")
    boolean checkpointing;
    @Option(names = "--save-steps", converter = Ranges.NonNegative.class, description = "checkpoint every N steps, 0 = only at the end (default ${DEFAULT-VALUE})")
    int saveSteps = D.saveSteps();
    @Option(names = "--logging-steps", converter = Ranges.Positive.class, description = "trainer_state log_history interval (default ${DEFAULT-VALUE})")
    int loggingSteps = D.loggingSteps();
    @Option(names = "--resume", description = "continue from the latest checkpoint under --output")
    boolean resume;
    @Option(names = "--on-overlong", defaultValue = "truncate", description = "examples longer than the model's "
            + "context: truncate (counted, with a warning) or error (exit 2 before the first step; default ${DEFAULT-VALUE})")
    SftRun.Overlong onOverlong;

    @Option(names = "--packing", description = "pack examples into rows of --max-length tokens (best-fit decreasing)")
    boolean packing;
    @Option(names = "--lora-r", description = "train a LoRA adapter of this rank instead of every weight (0 = full fine-tuning)")
    int loraR;
    @Option(names = "--lora-alpha", description = "LoRA alpha; scaling = alpha / r (default ${DEFAULT-VALUE})")
    double loraAlpha = 16;
    @Option(names = "--lora-dropout", description = "dropout on the LoRA input (default ${DEFAULT-VALUE})")
    double loraDropout = 0.05;
    @Option(names = "--lora-target-modules", split = ",",
            description = "module names (q_proj,v_proj) or all-linear (default ${DEFAULT-VALUE})")
    List<String> loraTargets = List.of("q_proj", "v_proj");
    @Option(names = "--use-rslora", description = "scaling = alpha / sqrt(r) (rank-stabilised LoRA)")
    boolean useRslora;
    @Option(names = "--base-precision", description = "LoRA only: store the frozen base's Linear weights as fp32 or fp16"
            + " (half the memory, widened as each is used; default ${DEFAULT-VALUE})")
    SftConfig.BasePrecision basePrecision = D.basePrecision();
    @Option(names = "--adapter", description = "PEFT adapter folder to continue training (its adapter_config.json gives the LoRA settings)")
    Path adapter;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        SftRun.Summary s = SftRun.run(SftRun.Options.of(model, data, output, config()).withResume(resume)
                .withDevice(device.device()).withOverlong(onOverlong).withLora(lora(), adapter));
        if (s.result().interrupted()) {
            System.out.printf("interrupted at step %d; checkpoint %s (continue with --resume)%n",
                    s.result().globalStep(), s.result().lastCheckpoint());
            return 1;
        }
        var log = s.result().log();
        double last = log.isEmpty() ? Double.NaN : log.get(log.size() - 1).loss();
        System.out.printf("trained %d steps on %d examples (%d truncated), final loss %.4f; %s in %s%n",
                s.result().globalStep(), s.examples(), s.truncated(), last, loraR > 0 || adapter != null ? "adapter" : "model", output);
        return 0;
    }

    /** The fresh adapter --lora-r asks for, or null. */
    LoraConfig lora() {
        if (loraR <= 0) return null;
        try {
            return LoraConfig.of(loraR, loraAlpha, loraDropout, loraTargets, useRslora);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** The recipe the flags give (also how reproduce reads its --train-flag values). */
    SftConfig config() {
        try {
            return D.toBuilder().learningRate(learningRate).warmupSteps(warmupSteps)
                    .scheduler(LrSchedule.parse(scheduler)).batchSize(batchSize).gradientAccumulationSteps(accumulation)
                    .maxGradNorm(maxGradNorm).weightDecay(weightDecay).epochs(epochs).maxSteps(maxSteps)
                    .maxLength(maxLength).seed(seed).shuffle(shuffle).groupByLength(groupByLength)
                    .precision(precision).gradientCheckpointing(checkpointing)
                    .saveSteps(saveSteps).loggingSteps(loggingSteps).packing(packing)
                    .basePrecision(basePrecision).build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
