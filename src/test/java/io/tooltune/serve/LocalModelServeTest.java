package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.tooltune.Shared;
import io.tooltune.model.Device;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real model path over HTTP. The OPT fixture has 128 positions, shorter than any ToolLLaMA prompt, so it
 * checks the context limit; answers come from a small randomly initialised OPT (1024 positions) with the
 * fixture's tokenizer, decoded greedily, so streamed, plain and concurrent (batched) answers must agree.
 */
class LocalModelServeTest {
    static LocalModelBackend backend;
    static ChatServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Tokenizer tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"));
        OptConfig cfg = OptConfig.builder().hiddenSize(32).ffnDim(128).numLayers(2).numHeads(4).maxPositionEmbeddings(1024)
                .dropout(0.0).build();
        backend = new LocalModelBackend(new LoadedModel(OptModel.random(cfg, 7), tok), "tiny-random", 8);
        server = ServeTestSupport.start(backend);
        client = OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("x").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (backend != null) backend.close();
    }

    static ChatCompletionCreateParams ask(String question) {
        return ChatCompletionCreateParams.builder().model("tiny-random").temperature(0.0).maxTokens(12)
                .addTool(OpenAiJavaClientTest.weatherTool()).addUserMessage(question).build();
    }

    @Test
    void fixtureModelRefusesPromptsOverItsContext() throws Exception {
        try (LocalModelBackend fixture = LocalModelBackend.load(Shared.path("fixtures/opt/tiny-opt-prenorm"), "tiny-opt", 4, Device.CPU);
             ChatServer s = ServeTestSupport.start(fixture)) {
            OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(ServeTestSupport.baseUrl(s)).apiKey("x").maxRetries(0).build();
            BadRequestException e = assertThrows(BadRequestException.class, () -> c.chat().completions().create(
                    ChatCompletionCreateParams.builder().model("tiny-opt").addUserMessage("Hello").build()));
            assertTrue(e.getMessage().contains("maximum context length is 128 tokens"), e.getMessage());
            assertEquals(200, ServeTestSupport.get(s, "/models").statusCode());
        }
    }

    @Test
    void plainStreamedAndLangChain4jAnswersAgree() {
        ChatCompletion plain = client.chat().completions().create(ask("What is the weather in Paris?"));
        ChatCompletion.Choice choice = plain.choices().get(0);
        String content = choice.message().content().orElseThrow();
        assertFalse(content.isEmpty());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, choice.finishReason(), "random weights run to max_tokens");
        assertEquals(12, plain.usage().orElseThrow().completionTokens());
        assertTrue(plain.usage().orElseThrow().promptTokens() > 400);

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask("What is the weather in Paris?"))) {
            s.stream().forEach(acc::accumulate);
        }
        assertEquals(content, acc.chatCompletion().choices().get(0).message().content().orElseThrow());

        interface Assistant {
            String chat(String message);
        }
        OpenAiChatModel lc4j = OpenAiChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server)).apiKey("x")
                .modelName("tiny-random").temperature(0.0).maxTokens(12).maxRetries(0).build();
        String viaAiServices = AiServices.builder(Assistant.class).chatModel(lc4j).build().chat("Hi there");
        String direct = client.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny-random")
                .temperature(0.0).maxTokens(12).addUserMessage("Hi there").build()).choices().get(0).message().content().orElseThrow();
        assertEquals(direct, viaAiServices);
    }

    @Test
    void concurrentRequestsAreBatchedWithTheSameAnswers() throws Exception {
        List<String> cities = List.of("Paris", "Oslo", "Lima", "Cairo");
        List<String> sequential = new ArrayList<>();
        for (String c : cities) sequential.add(client.chat().completions().create(ask("Weather in " + c + "?")).choices().get(0).message().content().orElseThrow());
        double before = backend.stats().meanBatchSize();
        ExecutorService pool = Executors.newFixedThreadPool(cities.size());
        try {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (String c : cities) {
                futures.add(CompletableFuture.supplyAsync(() -> client.chat().completions().create(ask("Weather in " + c + "?"))
                        .choices().get(0).message().content().orElseThrow(), pool));
            }
            for (int i = 0; i < cities.size(); i++) assertEquals(sequential.get(i), futures.get(i).get(), cities.get(i));
        } finally {
            pool.shutdown();
        }
        assertTrue(backend.stats().meanBatchSize() > before, "some requests shared a batch: " + backend.stats().meanBatchSize());
    }
}
