package io.tooltune.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import io.tooltune.data.synth.SynthOptions;
import io.tooltune.data.synth.SynthWriter;
import io.tooltune.data.synth.SyntheticToolBench;
import io.tooltune.pipeline.Demo;
import io.tooltune.tokenizer.BpeTrainer;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrajectoryDataTest {

    /** Every record is the agent's prompt at that turn (its tail, cut as the local backend cuts) and the reply. */
    @Test
    void recordsAreTheAgentsPromptsAndTheReplies(@TempDir Path tmp) throws Exception {
        Path answers = synthAnswers(tmp, 8);
        Path model = tmp.resolve("model");
        int context = 256, maxNew = 60, room = context - maxNew;
        Path out = tmp.resolve("train.jsonl");
        int n = TrajectoryData.write(answers, model, out, context, maxNew, TrajectoryData.PromptLoss.NONE);

        List<ToolLlamaExample> instances = new ArrayList<>();
        TrajectoryData.instances(answers).forEach(instances::addAll);
        List<String> lines = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(instances.size(), n);
        assertEquals(n, lines.size());
        try (Tokenizer tok = Tokenizer.load(model)) {
            long eos = tok.encode(ToolLlamaPrompt.EOS, false)[0];
            for (int i = 0; i < n; i++) {
                JsonNode r = Json.MAPPER.readTree(lines.get(i));
                long[] ids = longs(r.get("input_ids")), labels = longs(r.get("labels"));
                assertTrue(ids.length <= context, "fits the context");
                int start = labels.length;
                while (start > 0 && labels[start - 1] != SftEncoder.IGNORE) start--;
                for (int k = 0; k < start; k++) assertEquals(SftEncoder.IGNORE, labels[k], "loss only on the reply");
                assertEquals(Arrays.toString(Arrays.copyOfRange(ids, start, ids.length)),
                        Arrays.toString(Arrays.copyOfRange(labels, start, labels.length)));
                assertEquals(eos, ids[ids.length - 1]);

                List<Turn> turns = instances.get(i).conversations();
                String reply = turns.get(turns.size() - 1).value();
                assertTrue(reply.startsWith("\nThought:"), "the training rendering's reply starts with a newline");
                assertEquals(reply.substring(1), tok.decode(Arrays.copyOfRange(ids, start, ids.length - 1), false));

                List<Turn> history = new ArrayList<>();
                for (Turn t : turns.subList(0, turns.size() - 1)) {
                    history.add(t.from().equals("assistant") ? new Turn(t.from(), t.value().substring(1)) : t);
                }
                long[] prompt = tok.encode(ToolLlamaPrompt.renderInference(history));
                long[] tail = Arrays.copyOfRange(prompt, Math.max(0, prompt.length - room), prompt.length);
                assertTrue(start <= room);
                assertEquals(Arrays.toString(Arrays.copyOfRange(tail, tail.length - start, tail.length)),
                        Arrays.toString(Arrays.copyOfRange(ids, 0, start)), "the prompt's tail, as the agent cuts it");
                assertTrue(tok.decode(Arrays.copyOfRange(ids, 0, start), false).endsWith("\nAssistant:\n"));
            }
        }
    }

    /** With loss on the prompt the records are the same token sequences, every token a label. */
    @Test
    void lossOnThePromptLabelsEveryToken(@TempDir Path tmp) throws Exception {
        Path answers = synthAnswers(tmp, 4);
        Path model = tmp.resolve("model");
        Path replyOnly = tmp.resolve("reply.jsonl"), whole = tmp.resolve("whole.jsonl");
        int n = TrajectoryData.write(answers, model, replyOnly, 256, 60, TrajectoryData.PromptLoss.NONE);
        assertEquals(n, TrajectoryData.write(answers, model, whole, 256, 60, TrajectoryData.PromptLoss.ALL));
        List<String> a = Files.readAllLines(replyOnly).stream().filter(l -> !l.isBlank()).toList();
        List<String> b = Files.readAllLines(whole).stream().filter(l -> !l.isBlank()).toList();
        for (int i = 0; i < n; i++) {
            JsonNode ra = Json.MAPPER.readTree(a.get(i)), rb = Json.MAPPER.readTree(b.get(i));
            assertEquals(ra.get("input_ids"), rb.get("input_ids"));
            assertEquals(rb.get("input_ids"), rb.get("labels"));
        }
    }

    /** Raw answers of a small synthetic ToolBench under tmp/toolbench, and a tokenizer trained on them in tmp/model. */
    private static Path synthAnswers(Path tmp, int trainQueries) throws Exception {
        Path toolbench = tmp.resolve("toolbench");
        SynthWriter.write(SyntheticToolBench.generate(new SynthOptions(3, trainQueries, 0)), toolbench);
        Path answers = toolbench.resolve("answer");
        BpeTrainer.train(TrajectoryData.tokenizerTexts(answers), 500).save(tmp.resolve("model"));
        return answers;
    }

    private static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asLong();
        return out;
    }
}
