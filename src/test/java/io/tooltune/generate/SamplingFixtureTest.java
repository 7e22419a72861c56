package io.tooltune.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.io.ModelFolder;
import io.tooltune.model.io.Safetensors;
import io.tooltune.model.opt.OptFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logit bias, penalties and log-probabilities on the tiny OPT fixture, against its reference: the greedy ids of
 * expected_generation.json and, for the first generated token, expected_logits.safetensors (the logsumexp of the
 * last prompt position, the argmax, and the logits at a set of columns).
 */
class SamplingFixtureTest {
    private static final double TOLERANCE = 1e-4;
    static Path dir;
    static LoadedModel model;
    static Generator generator;
    static long[] prompt;
    static long[] greedy;

    @BeforeAll
    static void load() throws Exception {
        dir = Shared.path("fixtures/opt/tiny-opt-prenorm");
        model = ModelFolder.load(dir);
        generator = new Generator(model.model(), model.tokenizer());
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("expected_generation.json").toFile());
        prompt = Json.MAPPER.convertValue(ref.get("prompt_ids"), long[].class);
        long[] all = Json.MAPPER.convertValue(ref.get("greedy_ids"), long[].class);
        greedy = Arrays.copyOfRange(all, prompt.length, all.length);
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
    }

    private static GenerationConfig greedyNoEos() {
        return GenerationConfig.greedy(greedy.length).withStopAtEos(false);
    }

    private static Generator.Output run(long[] ids, GenerationConfig cfg) {
        return generator.generate(List.of(ids), cfg).get(0);
    }

    @Test
    void withoutTheNewSettingsGreedyIsTheReference() {
        Generator.Output out = run(prompt, greedyNoEos());
        assertArrayEquals(greedy, out.ids());
        assertTrue(out.logprobs().isEmpty());
    }

    @Test
    void banningTheGreedyTokenChangesTheOutputAndForcingATokenRepeatsIt() {
        int first = (int) greedy[0];
        long[] banned = run(prompt, greedyNoEos().withLogitBias(Map.of(first, -100.0))).ids();
        assertNotEquals(greedy[0], banned[0]);
        assertFalse(Arrays.stream(banned).anyMatch(id -> id == first));
        long[] forced = run(prompt, greedyNoEos().withLogitBias(Map.of(821, 100.0))).ids();
        assertTrue(Arrays.stream(forced).allMatch(id -> id == 821), Arrays.toString(forced));
    }

    @Test
    void aFrequencyPenaltyBreaksTheReferencesRepeats() {
        // the reference repeats its first token ten times; a penalty of 2 per repeat ends the run early
        long run = Arrays.stream(greedy).takeWhile(id -> id == greedy[0]).count();
        assertEquals(10, run);
        long[] penalised = run(prompt, greedyNoEos().withFrequencyPenalty(2)).ids();
        assertEquals(greedy[0], penalised[0], "nothing generated yet: the first token is the reference's");
        assertTrue(Arrays.stream(penalised).takeWhile(id -> id == greedy[0]).count() < run, Arrays.toString(penalised));
        long[] presence = run(prompt, greedyNoEos().withPresencePenalty(2)).ids();
        assertTrue(Arrays.stream(presence).takeWhile(id -> id == greedy[0]).count() < run, Arrays.toString(presence));
    }

    /** The first generated token after row {@code row} of the left-padded batch: the fixture's last position. */
    private record LastPosition(long[] ids, int argmax, double logsumexp, int[] columns, float[] logitsAtColumns) {}

    private static LastPosition lastPosition(int row) {
        Map<String, Safetensors.Tensor> ref = Safetensors.read(dir.resolve("expected_logits.safetensors"));
        Safetensors.Tensor ids = ref.get("left_padded.input_ids");
        int t = (int) ids.shape()[1];
        float[] mask = ref.get("left_padded.attention_mask").data();
        long[] all = OptFixtures.toLongs(Arrays.copyOfRange(ids.data(), row * t, (row + 1) * t));
        int start = 0;
        while (mask[row * t + start] == 0) start++;
        int last = row * t + t - 1;
        float[] columns = ref.get("left_padded.columns").data();
        float[] at = ref.get("left_padded.logits_at_columns").data();
        return new LastPosition(Arrays.copyOfRange(all, start, t), (int) ref.get("left_padded.argmax").data()[last],
                ref.get("left_padded.logsumexp").data()[last], Arrays.stream(OptFixtures.toLongs(columns)).mapToInt(x -> (int) x).toArray(),
                Arrays.copyOfRange(at, last * columns.length, (last + 1) * columns.length));
    }

    @Test
    void logprobsAreTheLogSoftmaxOfTheFixturesLogits() {
        LastPosition p = lastPosition(0);
        TokenLogprob first = run(p.ids(), GenerationConfig.greedy(1).withLogprobs(20)).logprobs().get(0);
        assertEquals(p.argmax(), first.tokenId());
        assertEquals(model.tokenizer().decode(new long[] {p.argmax()}, false), first.token());
        assertEquals(20, first.top().size());
        assertEquals(first.tokenId(), first.top().get(0).tokenId());
        assertEquals(first.logprob(), first.top().get(0).logprob());
        double mass = 0;
        for (int k = 0; k < first.top().size(); k++) {
            TokenLogprob.Alternative a = first.top().get(k);
            if (k > 0) assertTrue(a.logprob() <= first.top().get(k - 1).logprob());
            mass += Math.exp(a.logprob());
            for (int c = 0; c < p.columns().length; c++) {
                if (p.columns()[c] == a.tokenId()) assertEquals(p.logitsAtColumns()[c] - p.logsumexp(), a.logprob(), TOLERANCE);
            }
        }
        assertTrue(mass < 1 && first.logprob() < 0);
    }

    @Test
    void logprobsFollowTheBiasedDistribution() {
        // a bias lifting a fixture column over the logsumexp makes it the pick; its log-probability is then fully
        // determined by the fixture: (l + b) - log(exp(lse) - exp(l) + exp(l + b))
        LastPosition p = lastPosition(0);
        int column = p.columns().length / 2;
        int id = p.columns()[column];
        double l = p.logitsAtColumns()[column];
        double bias = Math.ceil(p.logsumexp() - l) + 1;
        TokenLogprob first = run(p.ids(), GenerationConfig.greedy(1).withLogitBias(Map.of(id, bias)).withLogprobs(1))
                .logprobs().get(0);
        assertEquals(id, first.tokenId());
        double expected = (l + bias) - Math.log(Math.exp(p.logsumexp()) - Math.exp(l) + Math.exp(l + bias));
        assertEquals(expected, first.logprob(), TOLERANCE);
    }

    @Test
    void eachTokensTextEndFollowsTheDecodedText() {
        Generator.Output out = run(prompt, greedyNoEos().withMaxNewTokens(6).withLogprobs(0));
        assertEquals(6, out.logprobs().size());
        for (int k = 0; k < 6; k++) {
            TokenLogprob t = out.logprobs().get(k);
            assertEquals(out.ids()[k], t.tokenId());
            assertTrue(t.top().isEmpty());
            String prefix = model.tokenizer().decode(Arrays.copyOf(out.ids(), k + 1), true);
            assertEquals(prefix.length(), t.textEnd());
        }
        assertEquals(out.text().length(), out.logprobs().get(5).textEnd());
    }

    @Test
    void aBiasOutsideTheVocabularyIsBadInput() {
        int vocab = model.model().config().vocabSize();
        BadInputException e = assertThrows(BadInputException.class,
                () -> run(prompt, greedyNoEos().withLogitBias(Map.of(vocab, 1.0))));
        assertTrue(e.getMessage().contains("token id " + vocab), e.getMessage());
    }
}
