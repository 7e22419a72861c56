package io.tooltune.serve;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import io.tooltune.Json;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * logit_bias, logprobs and n through openai-java against a real local model: the Llama fixture (random weights,
 * 1,024 positions, enough for the ReAct prompt), whose greedy text is prose without ReAct markers, so the content is
 * the generated text and its logprobs are those of every generated token.
 */
class SamplingServeTest {
    private static final String MODEL = LocalLlamaServer.MODEL;
    private static final String QUESTION = "What is the weather in Paris?";
    private static final int MAX_TOKENS = 8;
    @RegisterExtension
    static final LocalLlamaServer local = new LocalLlamaServer();

    private static ChatCompletionCreateParams.Builder greedy() {
        return ChatCompletionCreateParams.builder().model(MODEL).temperature(0.0).maxTokens(MAX_TOKENS).addUserMessage(QUESTION);
    }

    private static ChatCompletionCreateParams.Builder biased(Map<Integer, Double> bias) {
        ChatCompletionCreateParams.LogitBias.Builder b = ChatCompletionCreateParams.LogitBias.builder();
        bias.forEach((id, v) -> b.putAdditionalProperty(String.valueOf(id), JsonValue.from(v)));
        return greedy().logitBias(b.build());
    }

    private static String content(ChatCompletion c, int choice) {
        return c.choices().get(choice).message().content().orElseThrow();
    }

    /** The same request straight to the backend, for the generated token ids the HTTP reply does not carry. */
    private static Completion direct(int topLogprobs) throws Exception {
        ChatRequest req = ChatRequest.parse(Json.MAPPER.valueToTree(Map.of("model", MODEL,
                "messages", List.of(Map.of("role", "user", "content", QUESTION)))));
        return local.backend().complete(new ModelBackend.Job(PromptMapper.render(req).prompt(), MAX_TOKENS, 0, 1, null, List.of(),
                null, new ModelBackend.Scoring(0, 0, Map.of(), topLogprobs))).get();
    }

    @Test
    void logprobsComeInOpenAisShapeAndMatchTheGenerator() throws Exception {
        Completion d = direct(3);
        ChatCompletion c = local.client().chat().completions().create(greedy().logprobs(true).topLogprobs(3).build());
        String text = content(c, 0);
        assertEquals(d.text().strip(), text, "prose: the content is the generated text");
        List<ChatCompletionTokenLogprob> lps = c.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertEquals(MAX_TOKENS, lps.size(), "every generated token is visible");
        for (int k = 0; k < lps.size(); k++) {
            ChatCompletionTokenLogprob lp = lps.get(k);
            TokenLogprob want = d.logprobs().get(k);
            assertEquals(want.token(), lp.token());
            assertEquals(want.logprob(), lp.logprob(), 1e-9);
            assertTrue(lp.logprob() <= 0);
            List<Long> bytes = lp.bytes().orElseThrow();
            byte[] utf8 = lp.token().getBytes(StandardCharsets.UTF_8);
            assertEquals(utf8.length, bytes.size());
            for (int i = 0; i < utf8.length; i++) assertEquals(utf8[i] & 0xff, bytes.get(i));
            assertEquals(3, lp.topLogprobs().size());
            assertEquals(lp.token(), lp.topLogprobs().get(0).token(), "greedy takes the most likely token");
            assertEquals(lp.logprob(), lp.topLogprobs().get(0).logprob(), 1e-9);
            assertTrue(lp.topLogprobs().get(1).logprob() <= lp.topLogprobs().get(0).logprob());
        }
        ChatCompletion plain = local.client().chat().completions().create(greedy().build());
        assertEquals(text, content(plain, 0), "asking for logprobs does not change the answer");
        assertTrue(plain.choices().get(0).logprobs().isEmpty());
    }

    @Test
    void logitBiasBansAndForcesTokens() throws Exception {
        Completion d = direct(0);
        int first = d.logprobs().get(0).tokenId();
        String unbiased = content(local.client().chat().completions().create(greedy().build()), 0);
        String banned = content(local.client().chat().completions().create(biased(Map.of(first, -100.0)).build()), 0);
        assertNotEquals(unbiased, banned);
        long forcedId = local.backend().tokenizer().encode("sunny", false)[0];
        long[] eight = new long[MAX_TOKENS];
        Arrays.fill(eight, forcedId);
        ChatCompletion forced = local.client().chat().completions().create(biased(Map.of((int) forcedId, 100.0)).build());
        assertEquals(local.backend().tokenizer().decode(eight, true).strip(), content(forced, 0));
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, forced.choices().get(0).finishReason());
    }

    private static ChatCompletionCreateParams.Builder sampled(long seed, int n) {
        return ChatCompletionCreateParams.builder().model(MODEL).temperature(1.0).seed(seed).n(n).maxTokens(6)
                .addUserMessage(QUESTION);
    }

    @Test
    void nSeededChoicesAreReproducibleEachFromItsOwnSeed() {
        ChatCompletion three = local.client().chat().completions().create(sampled(11, 3).build());
        assertEquals(3, three.choices().size());
        List<String> contents = three.choices().stream().map(ch -> ch.message().content().orElseThrow()).toList();
        assertTrue(new HashSet<>(contents).size() > 1, "the choices differ: " + contents);
        ChatCompletion again = local.client().chat().completions().create(sampled(11, 3).build());
        assertEquals(contents, again.choices().stream().map(ch -> ch.message().content().orElseThrow()).toList());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, three.choices().get(i).index());
            assertEquals(contents.get(i), content(local.client().chat().completions().create(sampled(11 + i, 1).build()), 0),
                    "choice " + i + " draws from seed + " + i);
        }
        long prompt = three.usage().orElseThrow().promptTokens();
        assertEquals(prompt, local.client().chat().completions().create(sampled(11, 1).build()).usage().orElseThrow().promptTokens());
        assertTrue(three.usage().orElseThrow().completionTokens() > 6, "the completion tokens of all three choices");

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = local.client().chat().completions().createStreaming(sampled(11, 3)
                .logprobs(true).topLogprobs(2).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion streamed = acc.chatCompletion();
        assertEquals(contents, streamed.choices().stream().map(ch -> ch.message().content().orElseThrow()).toList());
        ChatCompletion plain = local.client().chat().completions().create(sampled(11, 3).logprobs(true).topLogprobs(2).build());
        for (int i = 0; i < 3; i++) {
            List<ChatCompletionTokenLogprob> want = plain.choices().get(i).logprobs().orElseThrow().content().orElseThrow();
            List<ChatCompletionTokenLogprob> got = streamed.choices().get(i).logprobs().orElseThrow().content().orElseThrow();
            assertFalse(want.isEmpty());
            // the same tokens; their scores agree to float32 rounding (the batches that computed them differ in shape)
            assertEquals(want.stream().map(ChatCompletionTokenLogprob::token).toList(),
                    got.stream().map(ChatCompletionTokenLogprob::token).toList(), "choice " + i);
            for (int k = 0; k < want.size(); k++) {
                assertEquals(want.get(k).logprob(), got.get(k).logprob(), 1e-4, "choice " + i + ", token " + k);
            }
        }
    }
}
