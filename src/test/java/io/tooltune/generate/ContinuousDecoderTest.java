package io.tooltune.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContinuousDecoderTest {
    private static GenerationConfig greedy(int n) {
        return GenerationConfig.greedy(n).withStopAtEos(false);
    }

    /** Greedy, each token's log-probability kept (compared with the sequence decoded alone). */
    private static GenerationConfig withLogprobs(int n) {
        return greedy(n).withLogprobs(0);
    }

    /** A sequence to run: its prompt, settings, and the step at which it asks to join. */
    private record Planned(long[] prompt, GenerationConfig cfg, int joinAt) {}

    /**
     * Runs the plan through one decoder (each sequence admitted at its step, or at the first step after with room),
     * counting steps; returns the outputs in plan order and records the running batch size after every step.
     */
    private static List<Generator.Output> run(ContinuousDecoder d, List<Planned> plan, List<Integer> running) {
        Map<ContinuousDecoder.Slot, Integer> index = new HashMap<>();
        Generator.Output[] out = new Generator.Output[plan.size()];
        int next = 0;
        int finished = 0;
        for (int step = 0; finished < plan.size(); step++) {
            assertTrue(step < 1000, "the plan never finished");
            while (next < plan.size() && plan.get(next).joinAt() <= step && d.hasRoom()) {
                Planned p = plan.get(next);
                index.put(d.admit(p.prompt(), p.cfg(), null, null), next++);
            }
            for (ContinuousDecoder.Slot s : d.step()) {
                out[index.get(s)] = s.output();
                finished++;
            }
            running.add(d.running());
        }
        return Arrays.asList(out);
    }

    /** Runs the plan and checks each output against the sequence decoded alone; returns the batch sizes per step. */
    private static List<Integer> assertSameAsAlone(LoadedModel m, List<Planned> plan, int maxSequences, int chunk) {
        Generator alone = new Generator(m.model(), m.tokenizer(), true, false);
        List<Integer> running = new ArrayList<>();
        List<Generator.Output> got;
        try (ContinuousDecoder d = new ContinuousDecoder(m.model(), m.tokenizer(), maxSequences, chunk)) {
            got = run(d, plan, running);
        }
        for (int i = 0; i < plan.size(); i++) {
            Generator.Output want = alone.generate(List.of(plan.get(i).prompt()), plan.get(i).cfg()).get(0);
            assertArrayEquals(want.ids(), got.get(i).ids(), "sequence " + i + " decoded alone and in the running batch");
            assertEquals(want.text(), got.get(i).text());
            if (plan.get(i).cfg().logprobs()) {
                for (int t = 0; t < want.logprobs().size(); t++) {
                    assertEquals(want.logprobs().get(t).logprob(), got.get(i).logprobs().get(t).logprob(), 1e-4,
                            "sequence " + i + ", token " + t + ": log-probability alone and in the running batch");
                }
            }
        }
        return running;
    }

    private static void assertJoinsAndLeaves(List<Integer> running, int maxSequences) {
        assertTrue(running.stream().anyMatch(n -> n == maxSequences), "the batch filled up: " + running);
        int joins = 0;
        int leaves = 0;
        for (int i = 1; i < running.size(); i++) {
            if (running.get(i) > running.get(i - 1)) joins++;
            if (running.get(i) < running.get(i - 1)) leaves++;
        }
        assertTrue(joins >= 2 && leaves >= 2, "sequences joined and left at different steps: " + running);
    }

    /**
     * Sequences that join a running batch at different steps (one with a long prompt, prefilled in chunks, one
     * waiting for a free row), with different lengths and one sampled (sharply, so that float noise cannot
     * move its draws) with a seed, each produce exactly the tokens
     * they produce alone: here the fixture's reference continuation of its prompt.
     */
    @Test
    void optSequencesJoiningAndLeavingTheBatchDecodeAsAlone() {
        Path dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        try (LoadedModel m = ModelFolder.load(dir)) {
            long[] ref = Json.MAPPER.convertValue(read(dir).get("prompt_ids"), long[].class);
            long[] longer = m.tokenizer().encode("A much longer prompt, which the decoder prefills in several chunks "
                    + "while the others go on decoding, because its chunk size is small.");
            long[] shorter = m.tokenizer().encode("Hi");
            long[] other = m.tokenizer().encode("Numbers: 1, 2, 3,");
            List<Planned> plan = List.of(
                    new Planned(shorter, greedy(20), 0),
                    new Planned(ref, greedy(24), 2),
                    new Planned(longer, greedy(9), 3),
                    new Planned(other, GenerationConfig.sampling(12, 0.05).withTopK(5).withSeed(7L).withStopAtEos(false), 4),
                    new Planned(shorter, greedy(5), 5));
            assertJoinsAndLeaves(assertSameAsAlone(m, plan, 3, 8), 3);
        }
    }

    /** The same on a Llama-family fixture (rotary positions from the mask, grouped-query attention, untied head). */
    @Test
    void llamaSequencesJoiningAndLeavingTheBatchMatchTheReference() throws IOException {
        Path dir = Shared.path("fixtures/llama/tiny-llama");
        JsonNode ref = read(dir);
        try (LoadedModel m = ModelFolder.load(dir)) {
            List<Planned> plan = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                plan.add(new Planned(Json.MAPPER.convertValue(ref.get("prompt_ids").get(i), long[].class), greedy(16), 3 * i));
            }
            plan.add(new Planned(m.tokenizer().encode("A fourth prompt joins late"), greedy(6), 4));
            List<Integer> running = new ArrayList<>();
            List<Generator.Output> got;
            try (ContinuousDecoder d = new ContinuousDecoder(m.model(), m.tokenizer(), 2, 5)) {
                got = run(d, plan, running);
            }
            for (int i = 0; i < 3; i++) {
                long[] want = Json.MAPPER.convertValue(ref.get("generated_ids").get(i), long[].class);
                assertArrayEquals(want, got.get(i).ids(), "prompt " + i + " against transformers' greedy decoding");
            }
            assertJoinsAndLeaves(assertSameAsAlone(m, plan, 2, 5), 2);
        }
    }

    @Test
    void aCancelledSequenceLeavesTheBatchAtTheNextStep() {
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"));
             ContinuousDecoder d = new ContinuousDecoder(m.model(), m.tokenizer(), 2, 64)) {
            ContinuousDecoder.Slot a = d.admit(m.tokenizer().encode("first"), greedy(50), null, null);
            ContinuousDecoder.Slot b = d.admit(m.tokenizer().encode("second"), greedy(50), null, null);
            assertFalse(d.hasRoom());
            d.step();
            d.step();
            assertEquals(2, d.running());
            a.cancel();
            List<ContinuousDecoder.Slot> gone = d.step();
            assertEquals(List.of(a), gone);
            assertEquals(1, d.running());
            assertTrue(d.hasRoom());
            int taken = a.output().ids().length;
            ContinuousDecoder.Slot c = d.admit(m.tokenizer().encode("third"), greedy(3), null, null);
            while (!c.done()) d.step();
            assertEquals(taken, a.output().ids().length, "a cancelled sequence takes no more tokens");
            assertEquals(3, c.output().ids().length);
            assertFalse(b.done());
        }
    }

    /**
     * A shared system prompt is computed once and reused by the next prompts (one at a time, or prefilled together
     * when they wait together); the tokens stay those of a full pass.
     */
    @Test
    void aPromptSharingThePreviousOnesPrefixGivesTheSameTokens() {
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"))) {
            String system = "You are a helpful assistant with tools. Answer briefly and call a function when needed. User: ";
            List<Planned> plan = List.of(
                    new Planned(m.tokenizer().encode(system + "what is the weather in Paris today?"), greedy(12), 0),
                    new Planned(m.tokenizer().encode(system + "book me a table"), greedy(12), 1),
                    new Planned(m.tokenizer().encode(system + "and a taxi"), greedy(4), 2));
            assertSameAsAlone(m, plan, 2, 512);
            // arriving together: the first is prefilled alone, the others as one left-padded batch on its prefix
            List<Planned> together = List.of(
                    new Planned(m.tokenizer().encode(system + "what is the weather in Paris today?"), greedy(12), 0),
                    new Planned(m.tokenizer().encode(system + "book me a table"), greedy(12), 0),
                    new Planned(m.tokenizer().encode(system + "and a taxi to the station, please"), greedy(6), 0),
                    new Planned(m.tokenizer().encode(system + "hi"), greedy(9), 0));
            List<Integer> running = assertSameAsAlone(m, together, 4, 512);
            assertEquals(List.of(1, 4), running.subList(0, 2), "three joined in one step: " + running);
        }
    }

    /**
     * Rows that read the cached system prompt in place decode exactly as alone while other rows do not share it: a
     * prompt without it, then prompts on a second system prompt that join while the first one's rows still run (the
     * prefix cache moves on to the new prompt; the running rows keep reading the old one), then the first system
     * prompt again after its rows are gone. OPT (plain attention) and Llama (grouped-query attention); the tokens and
     * their log-probabilities (within 1e-4) are those of each sequence decoded alone.
     */
    @Test
    void rowsOnDifferentSystemPromptsAndNoneDecodeAsAlone() {
        for (String fixture : List.of("fixtures/opt/tiny-opt-prenorm", "fixtures/llama/tiny-llama")) {
            try (LoadedModel m = ModelFolder.load(Shared.path(fixture))) {
                String first = "You are a helpful assistant with tools. Answer briefly and call a function when needed. User: ";
                String second = "System: you book trains and flights for the traveller, one leg at a time. Request: ";
                List<Planned> plan = List.of(
                        new Planned(m.tokenizer().encode(first + "what is the weather in Paris today?"), withLogprobs(14), 0),
                        new Planned(m.tokenizer().encode(first + "book me a table"), withLogprobs(16), 1),
                        new Planned(m.tokenizer().encode(first + "and a taxi"), withLogprobs(16), 1),
                        new Planned(m.tokenizer().encode("Numbers: 1, 2, 3,"), withLogprobs(8), 3),
                        new Planned(m.tokenizer().encode(second + "Paris to Lyon"), withLogprobs(10), 4),
                        new Planned(m.tokenizer().encode(second + "Lyon to Rome, tomorrow morning"), withLogprobs(7), 5),
                        new Planned(m.tokenizer().encode(second + "back home"), withLogprobs(6), 5),
                        new Planned(m.tokenizer().encode(first + "hi"), withLogprobs(5), 24),
                        new Planned(m.tokenizer().encode(first + "hello there"), withLogprobs(5), 24));
                assertSameAsAlone(m, plan, 4, 512);
            }
        }
    }

    /**
     * Streamed text arrives piece by piece over the steps, and the pieces make the final text: a stop string is cut
     * and never sent, not even its first characters.
     */
    @Test
    void streamedPiecesMakeTheTextAndNeverIncludeAStopString() {
        try (LoadedModel m = ModelFolder.load(Shared.path("fixtures/opt/tiny-opt-prenorm"))) {
            long[] prompt = m.tokenizer().encode("Numbers: 1, 2, 3,");
            String free = new Generator(m.model(), m.tokenizer()).generate(List.of(prompt), greedy(24)).get(0).text();
            String stop = free.substring(free.length() / 2, free.length() / 2 + 3);
            GenerationConfig cfg = greedy(24).withStopStrings(List.of(stop));
            List<String> pieces = new ArrayList<>();
            List<Integer> stepsWithText = new ArrayList<>();
            try (ContinuousDecoder d = new ContinuousDecoder(m.model(), m.tokenizer(), 1, 512)) {
                ContinuousDecoder.Slot s = d.admit(prompt, cfg, null, pieces::add);
                for (int step = 0; !s.done(); step++) {
                    int before = pieces.size();
                    d.step();
                    if (pieces.size() > before) stepsWithText.add(step);
                }
                String text = s.output().text();
                assertEquals(free.substring(0, free.indexOf(stop)), text);
                assertEquals(text, String.join("", pieces));
                assertTrue(stepsWithText.size() > 2, "text arrived at several steps: " + stepsWithText);
                for (String p : pieces.subList(0, pieces.size() - 1)) {
                    assertFalse(p.endsWith("\uFFFD"), "a partial character was sent before the end: " + pieces);
                }
            }
        }
    }

    /**
     * Sequences admitted between the layers of a decode pass (as the worker does when requests arrive during one) get
     * their first token before that pass ends and join the rows after it: two sharing the running one's prefix
     * (prefilled together there), then one arriving alone, and one longer than a chunk, which waits for the next
     * steps' chunks. Every sequence still decodes exactly the tokens it decodes alone.
     */
    @Test
    void sequencesArrivingDuringADecodePassArePrefilledBeforeItEnds() {
        assertArrivalsDuringAPassArePrefilledInIt(Shared.path("fixtures/opt/tiny-opt-prenorm"));
    }

    /** The same on a Qwen2 fixture, whose layers read the rotary tables of their own pass, not of the nested one's. */
    @Test
    void qwen2SequencesArrivingDuringADecodePassArePrefilledBeforeItEnds() {
        assertArrivalsDuringAPassArePrefilledInIt(Shared.path("fixtures/llama/tiny-qwen2"));
    }

    private static void assertArrivalsDuringAPassArePrefilledInIt(Path dir) {
        try (LoadedModel m = ModelFolder.load(dir)) {
            assertEquals(2, m.model().config().numLayers(), "one call between the layers of a pass");
            String system = "You are a helpful assistant with tools. Answer briefly and call a function when needed. User: ";
            long[] first = m.tokenizer().encode(system + "what is the weather in Paris today?");
            List<long[]> arrivals = List.of(m.tokenizer().encode(system + "book me a table"),
                    m.tokenizer().encode(system + "and a taxi to the station, please"),
                    m.tokenizer().encode("Numbers: 1, 2, 3,"),
                    m.tokenizer().encode("A much longer prompt, which is prefilled in chunks over the next steps."));
            int[] lengths = {8, 6, 8, 5};
            int chunk = 12;
            assertTrue(arrivals.get(3).length > chunk && arrivals.get(2).length <= chunk);
            List<ContinuousDecoder.Slot> admitted = new ArrayList<>();
            List<Integer> running = new ArrayList<>();
            try (ContinuousDecoder d = new ContinuousDecoder(m.model(), m.tokenizer(), 5, chunk)) {
                ContinuousDecoder.Slot a = d.admit(first, greedy(10), null, null);
                int[] calls = {0};
                d.admitBetweenLayers(() -> {
                    calls[0]++;
                    int from = admitted.isEmpty() ? 0 : admitted.size() == 2 ? 2 : 4;
                    for (int i = from; i < Math.min(from + 2, 4); i++) admitted.add(d.admit(arrivals.get(i), greedy(lengths[i]), null, null));
                });
                while (!a.done() || admitted.size() < 4 || admitted.stream().anyMatch(s -> !s.done())) {
                    assertTrue(running.size() < 100, "never finished");
                    int before = admitted.size();
                    long passes = d.decodeSteps();
                    calls[0] = 0;
                    d.step();
                    running.add(d.running());
                    assertEquals(d.decodeSteps() - passes, calls[0], "one call per pass");
                    for (int i = before; i < admitted.size(); i++) {
                        int tokens = admitted.get(i).output().ids().length;
                        if (i < 3) assertEquals(1, tokens, "arrival " + i + ": first token sampled during the pass that admitted it");
                        else assertEquals(0, tokens, "a prompt longer than a chunk waits for the steps' chunks");
                    }
                    if (before == 0 && admitted.size() == 2) assertEquals(3, d.running(), "both joined after their pass");
                    if (before == 2) assertEquals(4, d.running(), "the one-chunk arrival joined after its pass: " + running);
                }
                Generator reference = new Generator(m.model(), m.tokenizer(), true, false);
                for (int i = 0; i < arrivals.size(); i++) {
                    long[] want = reference.generate(List.of(arrivals.get(i)), greedy(lengths[i])).get(0).ids();
                    assertArrayEquals(want, admitted.get(i).output().ids(), "arrival " + i + " against decoding alone");
                }
                assertArrayEquals(reference.generate(List.of(first), greedy(10)).get(0).ids(), a.output().ids());
            }
        }
    }

    private static JsonNode read(Path dir) {
        try {
            return Json.MAPPER.readTree(dir.resolve("expected_generation.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
