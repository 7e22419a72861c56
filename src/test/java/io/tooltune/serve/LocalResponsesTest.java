package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseIncludable;
import com.openai.models.responses.ResponseOutputText;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ResponseTextDeltaEvent;
import com.openai.models.responses.ResponseTextDoneEvent;
import com.openai.models.responses.ToolChoiceFunction;
import io.tooltune.Json;
import io.tooltune.generate.constrain.SchemaCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Responses API on a real local model (the random-weight Llama fixture): a named tool_choice and a json_schema
 * text.format reach the same constrained decoding as chat, so the garbage model still returns a valid call and
 * schema-valid JSON; included logprobs come with each text delta, join to the final text part's, and their tokens
 * join to the text.
 */
class LocalResponsesTest {
    private static final Map<String, Object> TIME = Map.of("type", "object",
            "properties", Map.of("zone", Map.of("type", "string"), "hour24", Map.of("type", "boolean")),
            "required", List.of("zone", "hour24"));

    @RegisterExtension
    static final LocalLlamaServer local = new LocalLlamaServer();

    private static ResponseCreateParams.Builder ask() {
        return ResponseCreateParams.builder().model(LocalLlamaServer.MODEL).temperature(1.0).maxOutputTokens(120L)
                .input("What time is it in Paris?");
    }

    @Test
    void namedToolChoiceGivesAValidFunctionCall() throws Exception {
        FunctionTool.Parameters.Builder p = FunctionTool.Parameters.builder();
        TIME.forEach((k, v) -> p.putAdditionalProperty(k, JsonValue.from(v)));
        Response r = local.client().responses().create(ask().addTool(FunctionTool.builder().name("get_time").description("a tool")
                        .strict(true).parameters(p.build()).build())
                .toolChoice(ToolChoiceFunction.builder().name("get_time").build()).build());
        r.validate();
        assertEquals(1, r.output().size());
        ResponseFunctionToolCall call = r.output().get(0).asFunctionCall();
        assertEquals("get_time", call.name());
        assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(TIME), Json.MAPPER.readTree(call.arguments())), call.arguments());
    }

    @Test
    void jsonSchemaTextFormatGivesSchemaValidText() throws Exception {
        Response r = local.client().responses().create(ask().text(timeFormat()).build());
        r.validate();
        String text = r.output().get(0).asMessage().content().get(0).asOutputText().text();
        assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(TIME), Json.MAPPER.readTree(text)), text);
    }

    private static ResponseTextConfig timeFormat() {
        ResponseFormatTextJsonSchemaConfig.Schema.Builder sb = ResponseFormatTextJsonSchemaConfig.Schema.builder();
        TIME.forEach((k, v) -> sb.putAdditionalProperty(k, JsonValue.from(v)));
        return ResponseTextConfig.builder().format(ResponseFormatTextJsonSchemaConfig.builder().name("time").strict(true)
                .schema(sb.build()).build()).build();
    }

    /** Greedy, so that the streamed and the unstreamed answers are the same tokens. */
    private static ResponseCreateParams withLogprobs() {
        return ask().temperature(0.0).maxOutputTokens(40L).text(timeFormat())
                .addInclude(ResponseIncludable.MESSAGE_OUTPUT_TEXT_LOGPROBS).topLogprobs(3L).build();
    }

    @Test
    void includedLogprobsComeWithEachDeltaAndJoinToTheFinalTextAndItsTokens() throws Exception {
        StringBuilder deltas = new StringBuilder();
        List<ResponseTextDeltaEvent.Logprob> streamed = new ArrayList<>();
        List<ResponseTextDoneEvent.Logprob> done = new ArrayList<>();
        ResponseAccumulator acc = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> s = local.client().responses().createStreaming(withLogprobs())) {
            for (ResponseStreamEvent e : (Iterable<ResponseStreamEvent>) s.stream()::iterator) {
                acc.accumulate(e.validate());
                if (e.isOutputTextDelta()) {
                    ResponseTextDeltaEvent d = e.asOutputTextDelta();
                    assertFalse(d.logprobs().isEmpty(), "a text delta carries its tokens: " + d);
                    deltas.append(d.delta());
                    streamed.addAll(d.logprobs());
                }
                if (e.isOutputTextDone()) done.addAll(e.asOutputTextDone().logprobs());
            }
        }
        ResponseOutputText part = acc.response().output().get(0).asMessage().content().get(0).asOutputText();
        String text = part.text();
        assertEquals(text, deltas.toString());
        assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(TIME), Json.MAPPER.readTree(text)), text);
        List<ResponseOutputText.Logprob> all = part.logprobs().orElseThrow();
        assertEquals(streamed.size(), all.size(), "the final part has every delta's tokens");
        assertEquals(streamed.size(), done.size(), "output_text.done has every delta's tokens");
        StringBuilder tokens = new StringBuilder();
        for (int k = 0; k < all.size(); k++) {
            ResponseOutputText.Logprob t = all.get(k);
            assertEquals(streamed.get(k).token(), t.token());
            assertEquals(streamed.get(k).logprob(), t.logprob());
            assertEquals(done.get(k).token(), t.token());
            assertTrue(t.logprob() <= 0, t.toString());
            assertEquals(bytes(t.token()), t.bytes());
            List<ResponseOutputText.Logprob.TopLogprob> top = t.topLogprobs();
            assertEquals(streamed.get(k).topLogprobs().orElseThrow().size(), top.size());
            assertTrue(top.size() <= 3, top.toString());
            for (int j = 1; j < top.size(); j++) assertTrue(top.get(j - 1).logprob() >= top.get(j).logprob(), top.toString());
            tokens.append(t.token());
        }
        assertTrue(all.stream().anyMatch(t -> t.topLogprobs().size() == 3), "three alternatives where the schema allows them");
        assertEquals(text, tokens.toString(), "the tokens join to the text");

        ResponseOutputText whole = local.client().responses().create(withLogprobs()).output().get(0).asMessage()
                .content().get(0).asOutputText();
        assertEquals(text, whole.text());
        List<ResponseOutputText.Logprob> unstreamed = whole.logprobs().orElseThrow();
        assertEquals(all.size(), unstreamed.size());
        for (int k = 0; k < all.size(); k++) {
            assertEquals(all.get(k).token(), unstreamed.get(k).token());
            assertEquals(all.get(k).logprob(), unstreamed.get(k).logprob(), 1e-4);
        }
    }

    @Test
    void topLogprobsWithoutIncludeReturnNone() {
        ResponseOutputText part = local.client().responses().create(ask().maxOutputTokens(8L).text(timeFormat()).topLogprobs(3L)
                .build()).output().get(0).asMessage().content().get(0).asOutputText();
        assertFalse(part.text().isEmpty());
        assertTrue(part.logprobs().orElseThrow().isEmpty(), "OpenAI returns logprobs only when include asks for them");
    }

    private static List<Long> bytes(String token) {
        List<Long> out = new ArrayList<>();
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) out.add((long) (b & 0xff));
        return out;
    }

    /** The raw events, field by field against OpenAI's shapes: deltas without bytes, the text part with them. */
    @Test
    void logprobShapesAreOpenAIsOnTheWire() throws Exception {
        String body = "{\"model\":\"" + LocalLlamaServer.MODEL + "\",\"input\":\"Time?\",\"max_output_tokens\":6,"
                + "\"temperature\":0,\"top_logprobs\":2,\"include\":[\"message.output_text.logprobs\"],"
                + "\"text\":{\"format\":{\"type\":\"json_object\"}},\"stream\":true}";
        JsonNode delta = null;
        JsonNode part = null;
        for (String block : ServeTestSupport.post(local.server(), "/responses", body).body().split("\n\n")) {
            if (block.isBlank() || block.startsWith(":")) continue;
            JsonNode data = Json.MAPPER.readTree(block.split("\n")[1].substring("data: ".length()));
            String type = data.get("type").asText();
            if (type.equals("response.output_text.delta") && delta == null) delta = data.get("logprobs").get(0);
            if (type.equals("response.completed") || type.equals("response.incomplete")) {
                part = data.at("/response/output/0/content/0/logprobs/0");
                assertEquals(2, data.at("/response/top_logprobs").asInt(), data.toString());
            }
        }
        assertNotNull(delta);
        assertEquals(Set.of("token", "logprob", "top_logprobs"), fields(delta));
        assertEquals(Set.of("token", "logprob"), fields(delta.get("top_logprobs").get(0)));
        assertEquals(Set.of("token", "logprob", "bytes", "top_logprobs"), fields(part));
        assertEquals(Set.of("token", "logprob", "bytes"), fields(part.get("top_logprobs").get(0)));
    }

    private static Set<String> fields(JsonNode o) {
        assertTrue(o != null && o.isObject(), String.valueOf(o));
        Set<String> out = new TreeSet<>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
