package io.tooltune.serve;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LangChain4j's OpenAiChatModel with an AiServices @Tool against the server in scripted mode. */
class LangChain4jClientTest {
    static ChatServer server;

    interface Assistant {
        String chat(String message);
    }

    static final class WeatherTools {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool(name = "get_weather", value = "Current weather for a city")
        String weather(@P(name = "city", description = "the city") String city) {
            calls.add(city);
            return "{\"temp_c\":18,\"sky\":\"sunny\"}";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = ServeTestSupport.start(ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", 2048));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static OpenAiChatModel model() {
        return OpenAiChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("unused")
                .modelName("opt-tools").temperature(0.0).maxRetries(0).build();
    }

    @Test
    void plainAnswer() {
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model()).build();
        assertEquals("Hello! How can I help you today?", assistant.chat("Hello"));
    }

    @Test
    void toolCallAndFollowUpTurn() {
        WeatherTools tools = new WeatherTools();
        Assistant assistant = AiServices.builder(Assistant.class).chatModel(model()).tools(tools).build();
        assertEquals("It is 18 degrees and sunny.", assistant.chat("What is the weather in Paris?"));
        assertEquals(List.of("Paris"), tools.calls);
    }

    /** Streams one answer from {@code model} on {@code server}, collecting the partial responses into {@code parts}. */
    static ChatResponse stream(ChatServer server, String model, String message, List<String> parts) throws Exception {
        return stream(OpenAiStreamingChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("unused")
                .modelName(model).build(), message, parts::add);
    }

    /** Streams one answer from {@code model}, handing each partial response to {@code onPartial} as it arrives. */
    static ChatResponse stream(OpenAiStreamingChatModel model, String message, Consumer<String> onPartial) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(message, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                onPartial.accept(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done.get(60, TimeUnit.SECONDS);
    }

    @Test
    void streamedAnswer() throws Exception {
        List<String> parts = new CopyOnWriteArrayList<>();
        ChatResponse response = stream(server, "opt-tools", "Hello, stream please", parts);
        assertTrue(parts.size() > 3, "several partial responses: " + parts);
        assertEquals("Hello! How can I help you today?", String.join("", parts));
        assertEquals("Hello! How can I help you today?", response.aiMessage().text());
    }
}
