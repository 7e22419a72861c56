package io.tooltune.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.data.LengthHistogram;
import io.tooltune.data.SftEncoder;
import io.tooltune.data.TrainingSources;
import io.tooltune.data.format.JsonArrayWriter;
import io.tooltune.data.format.RecordLog;
import io.tooltune.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tooltune prepare}: ToolBench trajectories → SFT records (token ids + labels) or ToolLLaMA conversations. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Turn ToolBench data into supervised fine-tuning data, as ToolBench's preprocessing does.",
                "Input: a folder of raw answers (G*_answer/*_DFS_woFilter_w2.json), a ToolLLaMA json/jsonl, "
                        + "or ToolEval converted answers (a file or a folder of them).",
                "Output: JSON Lines {\"id\",\"input_ids\",\"labels\"} (labels -100 where there is no loss), "
                        + "or with --format conversations the ToolLLaMA instances themselves."})
public final class PrepareCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "raw answer folder, ToolLLaMA json/jsonl, or converted answers")
    Path input;

    @Option(names = "--model", description = "model folder whose tokenizer to use (required for --format tokens)")
    Path model;

    @Option(names = "--output", required = true, description = "output file (.jsonl; .json gives a JSON array for conversations)")
    Path output;

    @Option(names = "--format", defaultValue = "tokens", description = "tokens (default) or conversations (untokenized)")
    String format;

    @Option(names = "--loss-on", defaultValue = "final",
            description = "final: last assistant reply + </s> (ToolBench); all-assistant: every assistant turn")
    String lossOn;

    @Option(names = "--max-length", defaultValue = "2048",
            description = "cut the oldest context beyond this many tokens, keeping the target (0: no limit; default 2048)")
    int maxLength;

    @Option(names = "--method", defaultValue = "DFS_woFilter_w2",
            description = "use only raw answer files whose name contains this (default DFS_woFilter_w2; '' for all)")
    String method;

    @Option(names = "--tools", description = "toolenv/tools folder: tool descriptions for converted answers (else \"None\")")
    Path tools;

    @Option(names = "--strict", description = "stop at the first malformed record instead of reporting and skipping it")
    boolean strict;

    @Override
    public Integer call() {
        boolean tokens = switch (format) {
            case "tokens" -> true;
            case "conversations" -> false;
            default -> throw new BadInputException("--format must be tokens or conversations, not \"" + format + "\"");
        };
        SftEncoder.LossOn loss = switch (lossOn) {
            case "final" -> SftEncoder.LossOn.FINAL;
            case "all-assistant" -> SftEncoder.LossOn.ALL_ASSISTANT;
            default -> throw new BadInputException("--loss-on must be final or all-assistant, not \"" + lossOn + "\"");
        };
        if (tokens && model == null) throw new BadInputException("--model is required to tokenize (or use --format conversations)");
        if (maxLength < 0) throw new BadInputException("--max-length must be >= 0");
        RecordLog log = new RecordLog(strict, System.err);
        LengthHistogram hist = new LengthHistogram();
        long[] cut = new long[2]; // instances cut, tokens cut
        TrainingSources.Stats stats;
        try (Tokenizer tok = tokens ? Tokenizer.load(model) : null;
             JsonArrayWriter out = (tokens ? new JsonArrayWriter(output, true) : new JsonArrayWriter(output))) {
            SftEncoder encoder = tokens ? new SftEncoder(tok, loss, maxLength) : null;
            long[] produced = {0};
            Map<String, String> descriptions = tools == null ? Map.of() : TrainingSources.toolDescriptions(tools);
            stats = TrainingSources.forEach(input, method.isEmpty() ? null : method, descriptions, log, ex -> {
                produced[0]++;
                if (!tokens) {
                    out.write(ex.toJson());
                    log.written(1);
                    return;
                }
                SftEncoder.Encoded e;
                try {
                    e = encoder.encode(ex);
                } catch (BadInputException err) {
                    log.skip(input + " instance " + (produced[0] - 1) + " (\"" + abbreviate(ex.id()) + "\"): " + err.getMessage());
                    return;
                }
                ObjectNode o = Json.MAPPER.createObjectNode().put("id", e.id());
                var ids = o.putArray("input_ids");
                for (long v : e.inputIds()) ids.add(v);
                var labels = o.putArray("labels");
                for (long v : e.labels()) labels.add(v);
                out.write(o);
                log.written(1);
                hist.add(e.inputIds().length);
                if (e.cut() > 0) {
                    cut[0]++;
                    cut[1] += e.cut();
                }
            });
            System.out.print(stats.summary());
            System.out.println("instances: " + produced[0] + (tokens ? " (loss on " + lossOn + ")" : ""));
        }
        if (tokens) {
            System.out.println("truncated to --max-length " + maxLength + ": " + cut[0] + " instances, " + cut[1] + " context tokens cut");
            System.out.print(hist.render());
        }
        System.out.println("records " + log.summary() + " -> " + output);
        return 0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
