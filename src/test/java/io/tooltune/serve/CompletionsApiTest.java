package io.tooltune.serve;

import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The legacy POST /v1/completions through openai-java: the prompt goes to the model as written, the text comes back raw. */
class CompletionsApiTest {
    static final String WEATHER_CALL = "Thought: I should look up the weather.\nAction: get_weather\nAction Input: {\"city\": \"Paris\"}";
    @RegisterExtension
    static final ScriptedServer scripted = new ScriptedServer();

    @Test
    void promptsAreCompletedAsWrittenOneChoiceEach() {
        Completion c = scripted.client().completions().create(CompletionCreateParams.builder().model("opt-tools")
                .promptOfArrayOfStrings(List.of("the weather in Paris is", "Hello")).maxTokens(100).build());
        c.validate();
        assertEquals(2, c.choices().size());
        assertEquals(0, c.choices().get(0).index());
        assertEquals(WEATHER_CALL, c.choices().get(0).text(), "no chat mapping: the model's text as generated");
        assertEquals(CompletionChoice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertTrue(c.choices().get(1).text().contains("Hello! How can I help you today?"));
        assertEquals(1, c.choices().get(1).index());
        // the scripted backend counts whitespace-separated words: 5 + 1 prompt words
        assertEquals(6, c.usage().orElseThrow().promptTokens());
    }

    @Test
    void maxTokensDefaultsToSixteenAndCutsWithLength() {
        Completion c = scripted.client().completions().create(CompletionCreateParams.builder().model("opt-tools")
                .prompt("the weather in Paris").maxTokens(4).build());
        assertEquals(CompletionChoice.FinishReason.LENGTH, c.choices().get(0).finishReason());
        assertEquals("Thought: I should look", c.choices().get(0).text());
        Completion unbounded = scripted.client().completions().create(CompletionCreateParams.builder().model("opt-tools")
                .prompt("Hello").build());
        assertEquals(CompletionsEndpoint.DEFAULT_MAX_TOKENS, unbounded.usage().orElseThrow().completionTokens());
    }

    @Test
    void stopStringsEndTheText() {
        Completion c = scripted.client().completions().create(CompletionCreateParams.builder().model("opt-tools")
                .prompt("the weather in Paris").stop("\nAction Input:").maxTokens(100).build());
        assertEquals("Thought: I should look up the weather.\nAction: get_weather", c.choices().get(0).text());
    }

    @Test
    void streamedChunksAddUpToTheText() {
        List<String> pieces = new ArrayList<>();
        List<CompletionChoice.FinishReason> finishes = new ArrayList<>();
        try (StreamResponse<Completion> stream = scripted.client().completions().createStreaming(CompletionCreateParams.builder()
                .model("opt-tools").prompt("the weather in Paris").maxTokens(100).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> { // no validate(): OpenAI too sends finish_reason null mid-stream
                pieces.add(choice.text());
                choice._finishReason().asKnown().ifPresent(finishes::add);
            }));
        }
        assertTrue(pieces.size() > 2, pieces.toString());
        assertEquals(WEATHER_CALL, String.join("", pieces));
        assertEquals(List.of(CompletionChoice.FinishReason.STOP), finishes);
    }

    @Test
    void whatCannotBeHonouredIs400() throws Exception {
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/completions", "{\"model\":\"opt-tools\",\"prompt\":\"hi\",\"echo\":true}"),
                400, "unsupported_parameter");
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/completions", "{\"model\":\"opt-tools\",\"prompt\":[1,2,3]}"),
                400, "unsupported_parameter");
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/completions", "{\"model\":\"opt-tools\",\"prompt\":\"hi\",\"n\":2,\"best_of\":3}"),
                400, "unsupported_parameter");
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/completions", "{\"model\":\"opt-tools\",\"prompt\":\"hi\",\"temperature\":3}"),
                400, "invalid_value");
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/completions", "{\"model\":\"opt-tools\"}"), 400, "invalid_value");
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/completions", "{\"model\":\"gpt-4\",\"prompt\":\"hi\"}"), 404, "model_not_found");
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/completions", "{\"model\":\"opt-tools\",\"prompt\":\"word \",\"max_tokens\":2048}"),
                400, "context_length_exceeded");
    }
}
