package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseStreamEvent;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.model.io.LoadedModel;
import io.tooltune.model.opt.OptConfig;
import io.tooltune.model.opt.OptModel;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every stream follows the decoder: Responses events, chat streams with n > 1 and logprobs, and legacy completions
 * leave as their tokens are decoded (proven with {@link StreamingArrivalTest.Gate}: the decoder is held before each
 * new piece until the client has received the chunk of the piece before), and what a stream sends joins to exactly
 * what the same request answers unstreamed.
 */
class DecodedStreamsTest {
    private static LocalModelBackend local;

    @BeforeAll
    static void load() {
        Tokenizer tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"));
        OptConfig cfg = OptConfig.builder().hiddenSize(32).ffnDim(128).numLayers(2).numHeads(4).maxPositionEmbeddings(1024)
                .dropout(0.0).build();
        local = new LocalModelBackend(new LoadedModel(OptModel.random(cfg, 7), tok), "tiny-random", 4);
    }

    @AfterAll
    static void close() {
        local.close();
    }

    private static ModelBackend gated(StreamingArrivalTest.Gate gate) {
        return StreamingArrivalTest.gatedModel(local, gate);
    }

    private static void assertArrivedPieceByPiece(StreamingArrivalTest.Gate gate, List<Integer> seen) {
        assertFalse(gate.timedOut, "the decoder was held until a timeout: the chunks did not reach the client " + seen);
        assertTrue(seen.size() > 1, "more than one chunk: " + seen);
        for (int k = 0; k < seen.size(); k++) {
            assertEquals(k + 1, seen.get(k), "chunk " + k + " reached the client before piece " + (k + 1) + " was decoded");
        }
    }

    // ---- Responses

    /** ReAct text whose Finish answer is five words; the scaffolding comes with the first word. */
    private static final List<String> ANSWER = List.of(
            "Thought: \nAction: Finish\nAction Input: {\"return_type\": \"give_answer\", \"final_answer\": \"one",
            " two", " three", " four", " five", "\"}");
    /** A ReAct call of get_weather, its arguments generated over three pieces. */
    private static final List<String> CALL = List.of("Thought: \nAction: get_weather\nAction Input: {\"city\"",
            ": \"Pa", "ris\", \"unit\": ", "\"C\"}");

    @Test
    void responsesTextDeltasLeaveWhileTheDecoderIsHeld() throws Exception {
        StreamingArrivalTest.Gate gate = new StreamingArrivalTest.Gate();
        List<Integer> seen = new ArrayList<>();
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (ChatServer server = ServeTestSupport.start(StreamingArrivalTest.pieces(gate, ANSWER));
             StreamResponse<ResponseStreamEvent> s = ServeTestSupport.client(server).responses().createStreaming(
                     ResponseCreateParams.builder().model("gated").input("Count to five").build())) {
            for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
                acc.accumulate(e.validate());
                if (e.isOutputTextDelta()) {
                    deltas.add(e.asOutputTextDelta().delta());
                    gate.received(seen);
                }
            }
        }
        assertEquals(List.of("one", " two", " three", " four", " five"), deltas);
        assertArrivedPieceByPiece(gate, seen);
        Response r = acc.response();
        assertEquals("one two three four five", r.output().get(0).asMessage().content().get(0).asOutputText().text());
    }

    @Test
    void responsesFunctionCallArgumentsLeaveWhileTheDecoderIsHeldAndJoinToTheUnstreamedCall() throws Exception {
        StreamingArrivalTest.Gate gate = new StreamingArrivalTest.Gate();
        List<Integer> seen = new ArrayList<>();
        ResponseAccumulator acc = ResponseAccumulator.create();
        StringBuilder joined = new StringBuilder();
        ResponseCreateParams params = ResponseCreateParams.builder().model("gated").addTool(ResponsesApiTest.weatherTool())
                .input("Weather in Paris?").build();
        String unstreamed;
        try (ChatServer server = ServeTestSupport.start(StreamingArrivalTest.pieces(gate, CALL))) {
            OpenAIClient client = ServeTestSupport.client(server);
            try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(params)) {
                for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
                    acc.accumulate(e.validate());
                    if (e.isFunctionCallArgumentsDelta()) {
                        joined.append(e.asFunctionCallArgumentsDelta().delta());
                        gate.received(seen);
                    }
                }
            }
            assertArrivedPieceByPiece(gate, seen);
            assertEquals(CALL.size(), seen.size(), "one arguments delta per generated piece: " + seen);
            StreamingArrivalTest.Gate open = new StreamingArrivalTest.Gate();
            open.timedOut = true; // no client acknowledges an unstreamed answer: let every piece through
            try (ChatServer plain = ServeTestSupport.start(StreamingArrivalTest.pieces(open, CALL))) {
                unstreamed = ServeTestSupport.client(plain).responses().create(params).output().get(0).asFunctionCall().arguments();
            }
        }
        ResponseFunctionToolCall call = acc.response().output().get(0).asFunctionCall();
        assertEquals("get_weather", call.name());
        assertEquals("{\"city\":\"Paris\",\"unit\":\"C\"}", unstreamed);
        assertEquals(unstreamed, joined.toString());
        assertEquals(unstreamed, call.arguments());
    }

    /** A ReAct call of get_weather that gives "city" twice. */
    private static final List<String> REPEATED_KEY = List.of("Thought: \nAction: get_weather\nAction Input: {\"city\"",
            ": \"Paris\", \"unit\": ", "\"C\", \"city\"", ": \"Rome\"}");

    /**
     * A call whose arguments give a key twice: chat and Responses streams join to exactly the arguments of the
     * unstreamed reply (kept as written, the last value is the one a parser reads), through openai-java's accumulators
     * and LangChain4j's streaming model.
     */
    @Test
    void aCallGivingAKeyTwiceStreamsExactlyTheUnstreamedArguments() throws Exception {
        StreamingArrivalTest.Gate open = new StreamingArrivalTest.Gate();
        open.timedOut = true; // nothing acknowledges: let every piece through
        String written = "{\"city\":\"Paris\",\"unit\":\"C\",\"city\":\"Rome\"}";
        try (ChatServer server = ServeTestSupport.start(StreamingArrivalTest.pieces(open, REPEATED_KEY))) {
            OpenAIClient client = ServeTestSupport.client(server);
            ChatCompletionCreateParams chat = ChatCompletionCreateParams.builder().model("gated")
                    .addTool(OpenAiJavaClientTest.weatherTool()).addUserMessage("Weather in Paris?").build();
            assertEquals(written, client.chat().completions().create(chat).choices().get(0).message().toolCalls().orElseThrow()
                    .get(0).asFunction().function().arguments());
            ChatCompletionAccumulator chatAcc = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat)) {
                s.stream().forEach(chatAcc::accumulate);
            }
            assertEquals(written, chatAcc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow()
                    .get(0).asFunction().function().arguments());

            ResponseCreateParams params = ResponseCreateParams.builder().model("gated").addTool(ResponsesApiTest.weatherTool())
                    .input("Weather in Paris?").build();
            assertEquals(written, client.responses().create(params).output().get(0).asFunctionCall().arguments());
            ResponseAccumulator acc = ResponseAccumulator.create();
            StringBuilder joined = new StringBuilder();
            String done = null;
            try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(params)) {
                for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
                    acc.accumulate(e.validate());
                    if (e.isFunctionCallArgumentsDelta()) joined.append(e.asFunctionCallArgumentsDelta().delta());
                    if (e.isFunctionCallArgumentsDone()) done = e.asFunctionCallArgumentsDone().arguments();
                }
            }
            assertEquals(written, joined.toString());
            assertEquals(written, done);
            assertEquals(written, acc.response().output().get(0).asFunctionCall().arguments());

            OpenAiStreamingChatModel langChain = OpenAiStreamingChatModel.builder().baseUrl(ServeTestSupport.baseUrl(server))
                    .apiKey("unused").modelName("gated").defaultRequestParameters(OpenAiChatRequestParameters.builder()
                            .toolSpecifications(ToolSpecification.builder().name("get_weather")
                                    .parameters(JsonObjectSchema.builder().addStringProperty("city").build()).build()).build())
                    .build();
            assertEquals(written, LangChain4jClientTest.stream(langChain, "Weather in Paris?", partial -> {})
                    .aiMessage().toolExecutionRequests().get(0).arguments(), "LangChain4j's streamed call");
        }
        assertEquals("Rome", Json.MAPPER.readTree(written).get("city").asText(), "a parser reads the last value");
    }

    @Test
    void responsesFromTheLocalModelStreamWhatTheUnstreamedResponseSays() throws Exception {
        String body = "{\"model\":\"tiny-random\",\"input\":\"Answer in JSON\",\"max_output_tokens\":12,\"temperature\":1.0,"
                + "\"text\":{\"format\":{\"type\":\"json_object\"}}";
        try (ChatServer server = ServeTestSupport.start(local)) {
            JsonNode plain = Json.MAPPER.readTree(ServeTestSupport.post(server, "/responses", body + ",\"seed\":3}").body());
            String streamed = ServeTestSupport.post(server, "/responses", body + ",\"seed\":3,\"stream\":true}").body();
            StringBuilder deltas = new StringBuilder();
            JsonNode completed = null;
            for (String block : streamed.split("\n\n")) {
                if (block.isBlank() || block.startsWith(":")) continue;
                JsonNode data = Json.MAPPER.readTree(block.split("\n")[1].substring("data: ".length()));
                if (data.get("type").asText().equals("response.output_text.delta")) deltas.append(data.get("delta").asText());
                if (data.get("type").asText().startsWith("response.") && data.has("response")) completed = data.get("response");
            }
            String text = plain.at("/output/0/content/0/text").asText();
            assertTrue(text.startsWith("{"), plain.toString());
            assertEquals(text, deltas.toString());
            assertEquals(text, completed.at("/output/0/content/0/text").asText());
            assertEquals(plain.get("status"), completed.get("status"));
        }
    }

    // ---- chat with n > 1 and logprobs

    private static ChatCompletionCreateParams chat(boolean stream) {
        return ChatCompletionCreateParams.builder().model("tiny-random").n(2).logprobs(true).topLogprobs(2).seed(11L)
                .temperature(1.0).maxCompletionTokens(12).responseFormat(ResponseFormatJsonObject.builder().build())
                .addUserMessage("Answer in JSON").build();
    }

    @Test
    void chatChoicesWithLogprobsStreamAsDecodedAndJoinToTheUnstreamedChoices() throws Exception {
        StreamingArrivalTest.Gate gate = new StreamingArrivalTest.Gate();
        List<Integer> seen = new ArrayList<>();
        Map<Long, StringBuilder> content = new TreeMap<>();
        Map<Long, List<ChatCompletionTokenLogprob>> tokens = new TreeMap<>();
        try (ChatServer server = ServeTestSupport.start(gated(gate));
             StreamResponse<ChatCompletionChunk> s = ServeTestSupport.client(server).chat().completions().createStreaming(chat(true))) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                for (ChatCompletionChunk.Choice c : chunk.choices()) {
                    String delta = c.delta().content().orElse("");
                    if (delta.isEmpty()) continue;
                    content.computeIfAbsent(c.index(), i -> new StringBuilder()).append(delta);
                    List<ChatCompletionTokenLogprob> lp = c.logprobs().orElseThrow().content().orElseThrow();
                    assertFalse(lp.isEmpty(), "a content chunk carries its tokens' logprobs");
                    tokens.computeIfAbsent(c.index(), i -> new ArrayList<>()).addAll(lp);
                    gate.received(seen);
                }
            }
        }
        assertArrivedPieceByPiece(gate, seen);
        assertEquals(List.of(0L, 1L), List.copyOf(content.keySet()), "both choices streamed");
        ChatCompletion whole;
        try (ChatServer server = ServeTestSupport.start(local)) {
            whole = ServeTestSupport.client(server).chat().completions().create(chat(false));
        }
        assertFalse(whole.choices().get(0).message().content().orElseThrow().equals(whole.choices().get(1).message().content().orElseThrow()),
                "the seeded choices differ");
        for (ChatCompletion.Choice c : whole.choices()) {
            assertEquals(c.message().content().orElseThrow(), content.get(c.index()).toString(), "choice " + c.index());
            List<ChatCompletionTokenLogprob> want = c.logprobs().orElseThrow().content().orElseThrow();
            List<ChatCompletionTokenLogprob> got = tokens.get(c.index());
            assertEquals(want.size(), got.size(), "choice " + c.index());
            for (int k = 0; k < want.size(); k++) {
                assertEquals(want.get(k).token(), got.get(k).token());
                assertEquals(want.get(k).logprob(), got.get(k).logprob(), 1e-4);
                assertEquals(want.get(k).topLogprobs().size(), got.get(k).topLogprobs().size());
            }
        }
    }

    // ---- legacy completions

    private static CompletionCreateParams completion() {
        return CompletionCreateParams.builder().model("tiny-random").prompt("The weather in Paris is").n(2).logprobs(2)
                .seed(5L).temperature(1.0).maxTokens(10).build();
    }

    @Test
    void completionsWithNAndLogprobsStreamAsDecodedAndJoinToTheUnstreamedChoices() throws Exception {
        StreamingArrivalTest.Gate gate = new StreamingArrivalTest.Gate();
        List<Integer> seen = new ArrayList<>();
        Map<Long, StringBuilder> text = new TreeMap<>();
        Map<Long, List<String>> tokens = new TreeMap<>();
        Map<Long, List<Double>> logprobs = new TreeMap<>();
        Map<Long, List<Long>> offsets = new TreeMap<>();
        try (ChatServer server = ServeTestSupport.start(gated(gate));
             StreamResponse<Completion> s = ServeTestSupport.client(server).completions().createStreaming(completion())) {
            for (Completion chunk : (Iterable<Completion>) s.stream()::iterator) {
                for (CompletionChoice c : chunk.choices()) {
                    if (c.text().isEmpty()) continue;
                    text.computeIfAbsent(c.index(), i -> new StringBuilder()).append(c.text());
                    CompletionChoice.Logprobs lp = c.logprobs().orElseThrow();
                    tokens.computeIfAbsent(c.index(), i -> new ArrayList<>()).addAll(lp.tokens().orElseThrow());
                    logprobs.computeIfAbsent(c.index(), i -> new ArrayList<>()).addAll(lp.tokenLogprobs().orElseThrow());
                    offsets.computeIfAbsent(c.index(), i -> new ArrayList<>()).addAll(lp.textOffset().orElseThrow());
                    gate.received(seen);
                }
            }
        }
        assertArrivedPieceByPiece(gate, seen);
        Completion whole;
        try (ChatServer server = ServeTestSupport.start(local)) {
            whole = ServeTestSupport.client(server).completions().create(completion());
        }
        assertEquals(2, whole.choices().size());
        for (CompletionChoice c : whole.choices()) {
            long i = c.index();
            assertEquals(c.text(), text.get(i).toString(), "choice " + i);
            CompletionChoice.Logprobs lp = c.logprobs().orElseThrow();
            assertEquals(lp.tokens().orElseThrow(), tokens.get(i));
            assertEquals(lp.textOffset().orElseThrow(), offsets.get(i));
            List<Double> want = lp.tokenLogprobs().orElseThrow();
            for (int k = 0; k < want.size(); k++) assertEquals(want.get(k), logprobs.get(i).get(k), 1e-4);
            assertEquals(0L, lp.textOffset().orElseThrow().getFirst());
            for (Object top : lp.topLogprobs().orElseThrow()) {
                int size = Json.MAPPER.valueToTree(top).size();
                assertTrue(size >= 1 && size <= 3, "two alternatives and the chosen token: " + top);
            }
        }
    }

    @Test
    void completionsRefuseWhatTheyCannotHonourNamingTheParameter() throws Exception {
        try (ChatServer server = ServeTestSupport.start(local)) {
            for (Map.Entry<String, String> bad : Map.of(
                    "echo", "\"echo\":true",
                    "suffix", "\"suffix\":\" end\"",
                    "best_of", "\"n\":2,\"best_of\":3",
                    "logprobs", "\"logprobs\":6").entrySet()) {
                JsonNode err = ServerErrorsTest.error(ServeTestSupport.post(server, "/completions",
                        "{\"model\":\"tiny-random\",\"prompt\":\"hi\"," + bad.getValue() + "}"), 400,
                        bad.getKey().equals("logprobs") ? "invalid_value" : "unsupported_parameter");
                assertEquals(bad.getKey(), err.get("param").asText(), err.toString());
            }
            JsonNode penalties = Json.MAPPER.readTree(ServeTestSupport.post(server, "/completions",
                    "{\"model\":\"tiny-random\",\"prompt\":\"hi\",\"max_tokens\":4,\"presence_penalty\":1.5,"
                            + "\"frequency_penalty\":0.5,\"logit_bias\":{\"5\":-100}}").body());
            assertEquals(1, penalties.get("choices").size(), penalties.toString());
        }
    }
}
