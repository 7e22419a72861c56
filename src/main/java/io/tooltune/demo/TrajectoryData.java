package io.tooltune.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.data.SftEncoder;
import io.tooltune.data.ToolLlamaConverter;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.JsonArrayWriter;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import io.tooltune.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo's SFT records: one per assistant turn of each training trajectory (as ToolBench makes them), each exactly
 * what the local agent feeds the model at that turn, then the reply. The prompt is ToolLLaMA's inference rendering
 * ("Assistant:\n" at the end, earlier replies as the model generated them, without the training rendering's leading
 * newline), tokenized with BOS and cut to its last {@code context - maxNewTokens} tokens as the local backend cuts
 * it; loss is on the reply and {@code </s>}, and optionally on the prompt as well. ToolBench trains on its training rendering instead, which a pre-trained
 * model bridges; a model trained from scratch in minutes learns token sequences and learned positions literally, so
 * it is taught the very sequences and positions it will generate at.
 */
public final class TrajectoryData {
    private TrajectoryData() {}

    /** Each trajectory's instances, one per assistant turn, in file order; trajectories without any are left out. */
    public static List<List<ToolLlamaExample>> instances(Path answerDir) {
        List<List<ToolLlamaExample>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(answerDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                List<ToolLlamaExample> ex = ToolLlamaConverter.fromRawAnswer(DataFiles.readRawAnswer(f));
                if (!ex.isEmpty()) out.add(ex);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Whether the prompt's tokens are labels besides the reply's: {@link #ALL} is plain language modelling of the whole
     * sequence (TRL's SFTTrainer on a text dataset without a completion-only collator).
     */
    public enum PromptLoss { NONE, ALL }

    /** Writes {@code {"id","input_ids","labels"}} records as {@code prepare} does; returns the number written. */
    public static int write(Path answerDir, Path modelDir, Path output, int context, int maxNewTokens, PromptLoss promptLoss) {
        int n = 0;
        int room = context - maxNewTokens;
        try (Tokenizer tok = Tokenizer.load(modelDir); JsonArrayWriter out = new JsonArrayWriter(output, true)) {
            long eos = tok.encode(ToolLlamaPrompt.EOS, false)[0];
            for (List<ToolLlamaExample> trajectory : instances(answerDir)) {
                for (ToolLlamaExample ex : trajectory) {
                    List<Turn> turns = ex.conversations();
                    List<Turn> history = new ArrayList<>();
                    for (Turn t : turns.subList(0, turns.size() - 1)) {
                        history.add(t.from().equals("assistant") ? new Turn(t.from(), asGenerated(t.value())) : t);
                    }
                    long[] prompt = tok.encode(ToolLlamaPrompt.renderInference(history));
                    long[] reply = tok.encode(asGenerated(turns.get(turns.size() - 1).value()), false);
                    int keep = Math.min(prompt.length, Math.max(0, Math.min(room, context - reply.length - 1)));
                    ObjectNode o = Json.MAPPER.createObjectNode().put("id", ex.id());
                    ArrayNode ids = o.putArray("input_ids");
                    ArrayNode labels = o.putArray("labels");
                    for (int i = prompt.length - keep; i < prompt.length; i++) {
                        ids.add(prompt[i]);
                        labels.add(promptLoss == PromptLoss.ALL ? prompt[i] : SftEncoder.IGNORE);
                    }
                    for (long v : reply) {
                        ids.add(v);
                        labels.add(v);
                    }
                    ids.add(eos);
                    labels.add(eos);
                    out.write(o);
                    n++;
                }
            }
        }
        return n;
    }

    /** A training reply as the model generates it after "Assistant:\n": without the rendering's leading newline. */
    static String asGenerated(String reply) {
        return reply.startsWith("\n") ? reply.substring(1) : reply;
    }
}
