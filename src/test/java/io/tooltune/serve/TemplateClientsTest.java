package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.tooltune.Shared;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.TokenizerPrefix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * openai-java and LangChain4j against the server speaking tiny-qwen2's chat template (Qwen2.5's), with a scripted
 * backend answering in that template's tool-call syntax: plain answers, tool calls (parallel too) with follow-up
 * turns rendered back through the template, streamed answers and calls, and a malformed call as plain content.
 */
class TemplateClientsTest {
    static ChatServer server;
    static OpenAIClient client;
    static final String MODEL = "qwen-tools";

    @BeforeAll
    static void start() throws Exception {
        ModelChatTemplates templates = ModelChatTemplates.load(Shared.path("fixtures/llama/tiny-qwen2"), TemplateFixtureCases.FIXTURE_CLOCK);
        server = new ChatServer(ScriptedBackend.load(Path.of("src/test/resources/serve/template-script.json"), MODEL, 4096),
                new TemplatePromptMapper(templates, new TokenizerPrefix("")), "127.0.0.1", 0);
        server.start();
        client = OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static ChatCompletionCreateParams.Builder ask(String question) {
        return ChatCompletionCreateParams.builder().model(MODEL).addTool(OpenAiJavaClientTest.weatherTool()).addUserMessage(question);
    }

    @Test
    void plainAnswer() {
        ChatCompletion c = client.chat().completions().create(ask("Hello there").build());
        assertEquals("Hello! How can I help you today?", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
    }

    @Test
    void toolCallThenFollowUp() {
        OpenAiJavaClientTest.assertToolCallThenFollowUp(client, ask("What is the weather in Paris?"), "{\"city\": \"Paris\"}");
    }

    @Test
    void parallelCallsPlainAndStreamed() {
        ChatCompletion.Choice choice = client.chat().completions().create(ask("Weather in Paris and Rome?").build()).choices().get(0);
        assertParallel(choice);
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask("Weather in Paris and Rome?").build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertParallel(acc.chatCompletion().choices().get(0));
    }

    private static void assertParallel(ChatCompletion.Choice choice) {
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertEquals(2, calls.size());
        assertEquals("{\"city\": \"Paris\"}", calls.get(0).asFunction().function().arguments());
        assertEquals("{\"city\": \"Rome\"}", calls.get(1).asFunction().function().arguments());
        assertTrue(!calls.get(0).asFunction().id().equals(calls.get(1).asFunction().id()));
    }

    @Test
    void streamedAnswer() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask("Hello again").build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                acc.accumulate(chunk);
                chunks++;
            }
        }
        assertTrue(chunks > 3, "the answer arrives in several chunks");
        assertEquals("Hello! How can I help you today?", acc.chatCompletion().choices().get(0).message().content().orElseThrow());
    }

    @Test
    void aMalformedCallIsPlainContent() {
        ChatCompletion.Choice choice = client.chat().completions().create(ask("Make a broken call").build()).choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        assertTrue(choice.message().toolCalls().isEmpty() || choice.message().toolCalls().get().isEmpty());
        assertEquals("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \n</tool_call>", choice.message().content().orElseThrow());
    }

    static OpenAiChatModel langChainModel() {
        return OpenAiChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("unused")
                .modelName(MODEL).temperature(0.0).maxRetries(0).build();
    }

    @Test
    void langChain4jPlainAnswer() {
        LangChain4jClientTest.Assistant assistant = AiServices.builder(LangChain4jClientTest.Assistant.class).chatModel(langChainModel()).build();
        assertEquals("Hello! How can I help you today?", assistant.chat("Hello"));
    }

    @Test
    void langChain4jToolCallAndFollowUpTurn() {
        LangChain4jClientTest.WeatherTools tools = new LangChain4jClientTest.WeatherTools();
        LangChain4jClientTest.Assistant assistant = AiServices.builder(LangChain4jClientTest.Assistant.class)
                .chatModel(langChainModel()).tools(tools).build();
        assertEquals("It is 18 degrees and sunny.", assistant.chat("What is the weather in Paris?"));
        assertEquals(List.of("Paris"), tools.calls);
        LangChain4jClientTest.WeatherTools both = new LangChain4jClientTest.WeatherTools();
        assertEquals("It is 18 degrees and sunny.", AiServices.builder(LangChain4jClientTest.Assistant.class)
                .chatModel(langChainModel()).tools(both).build().chat("Weather in Paris and Rome?"));
        assertEquals(List.of("Paris", "Rome"), both.calls);
    }

    @Test
    void langChain4jStreamedAnswer() throws Exception {
        List<String> parts = new CopyOnWriteArrayList<>();
        ChatResponse response = LangChain4jClientTest.stream(server, MODEL, "Hello, stream please", parts);
        assertTrue(parts.size() > 3, "several partial responses: " + parts);
        assertEquals("Hello! How can I help you today?", response.aiMessage().text());
    }
}
