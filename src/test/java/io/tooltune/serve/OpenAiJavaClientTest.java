package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official openai-java client against the server in scripted mode: deterministic tool calls over HTTP. */
class OpenAiJavaClientTest {
    static ChatServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServeTestSupport.start(ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", 2048));
        client = OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name("get_weather")
                .description("Current weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build()).build();
    }

    @Test
    void plainAnswer() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("opt-tools").addUserMessage("Hello there").build());
        assertEquals("Hello! How can I help you today?", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertTrue(c.usage().orElseThrow().promptTokens() > 0);
    }

    @Test
    void toolCallThenFollowUp() {
        assertToolCallThenFollowUp(client, ChatCompletionCreateParams.builder().model("opt-tools")
                .addTool(weatherTool()).addUserMessage("What is the weather in Paris?"), "{\"city\":\"Paris\"}");
    }

    /** A get_weather call for Paris with {@code arguments}, then, given the tool's result, the scripted answer. */
    static void assertToolCallThenFollowUp(OpenAIClient client, ChatCompletionCreateParams.Builder params, String arguments) {
        ChatCompletion first = client.chat().completions().create(params.build());
        ChatCompletion.Choice choice = first.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertTrue(choice.message().content().isEmpty());
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertEquals("get_weather", call.function().name());
        assertEquals(arguments, call.function().arguments());
        assertTrue(call.id().startsWith("call_"));

        params.addMessage(choice.message()).addMessage(ChatCompletionToolMessageParam.builder()
                .toolCallId(call.id()).content("{\"temp_c\":18,\"sky\":\"sunny\"}").build());
        ChatCompletion second = client.chat().completions().create(params.build());
        assertEquals("It is 18 degrees and sunny.", second.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, second.choices().get(0).finishReason());
    }

    @Test
    void streamedAnswerAndStreamedToolCall() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("opt-tools").addUserMessage("Hello again").build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                acc.accumulate(chunk);
                chunks++;
            }
        }
        assertTrue(chunks > 3, "the answer arrives in several chunks");
        ChatCompletion whole = acc.chatCompletion();
        assertEquals("Hello! How can I help you today?", whole.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, whole.choices().get(0).finishReason());

        ChatCompletionAccumulator calls = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("opt-tools").addTool(weatherTool()).addUserMessage("And the weather in Paris?").build())) {
            s.stream().forEach(calls::accumulate);
        }
        ChatCompletion.Choice c = calls.chatCompletion().choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.finishReason());
        ChatCompletionMessageFunctionToolCall call = c.message().toolCalls().orElseThrow().get(0).asFunction();
        assertEquals("get_weather", call.function().name());
        // streamed as generated, in the non-streamed reply's form (the model wrote {"city": "Paris"})
        assertEquals("{\"city\":\"Paris\"}", call.function().arguments());
    }
}
