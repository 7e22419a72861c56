package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseIncludable;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import io.tooltune.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /v1/responses through openai-java (plain, function tools and their round trip, streaming) and raw HTTP. */
class ResponsesApiTest {
    @RegisterExtension
    static final ScriptedServer scripted = new ScriptedServer();

    static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Current weather for a city").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    private static String text(Response r) {
        ResponseOutputItem item = r.output().get(0);
        assertTrue(item.isMessage(), item.toString());
        return item.asMessage().content().get(0).asOutputText().text();
    }

    @Test
    void plainAnswerIsOneAssistantMessage() {
        Response r = scripted.client().responses().create(ResponseCreateParams.builder().model("opt-tools")
                .instructions("You are helpful.").input("Hello there").build());
        r.validate();
        assertEquals(1, r.output().size());
        assertEquals("Hello! How can I help you today?", text(r));
        assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
        assertTrue(r.id().startsWith("resp_"));
        assertEquals("You are helpful.", r.instructions().orElseThrow().asString());
        assertTrue(r.usage().orElseThrow().inputTokens() > 0);
        assertEquals(r.usage().orElseThrow().inputTokens() + r.usage().orElseThrow().outputTokens(), r.usage().orElseThrow().totalTokens());
    }

    @Test
    void functionCallThenItsOutputGiveTheAnswer() {
        EasyInputMessage question = EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content("What is the weather in Paris?").build();
        Response first = scripted.client().responses().create(ResponseCreateParams.builder().model("opt-tools").addTool(weatherTool())
                .inputOfResponse(List.of(ResponseInputItem.ofEasyInputMessage(question))).build());
        first.validate();
        ResponseFunctionToolCall call = first.output().get(0).asFunctionCall();
        assertEquals("get_weather", call.name());
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
        assertTrue(call.callId().startsWith("call_"));
        assertEquals(ResponseStatus.COMPLETED, first.status().orElseThrow());

        Response second = scripted.client().responses().create(ResponseCreateParams.builder().model("opt-tools").addTool(weatherTool())
                .inputOfResponse(List.of(ResponseInputItem.ofEasyInputMessage(question), ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                .callId(call.callId()).output("{\"temp_c\":18,\"sky\":\"sunny\"}").build())))
                .build());
        second.validate();
        assertEquals("It is 18 degrees and sunny.", text(second));
    }

    @Test
    void streamedTextAndCallsAccumulateToTheResponse() {
        ResponseAccumulator acc = ResponseAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = scripted.client().responses().createStreaming(ResponseCreateParams.builder()
                .model("opt-tools").input("Hello there").build())) {
            stream.stream().forEach(e -> {
                e.validate();
                acc.accumulate(e);
                if (e.isOutputTextDelta()) deltas.add(e.asOutputTextDelta().delta());
            });
        }
        Response r = acc.response();
        assertEquals("Hello! How can I help you today?", text(r));
        assertTrue(deltas.size() > 1, "text arrives in several deltas: " + deltas);
        assertEquals(text(r), String.join("", deltas));

        ResponseAccumulator calls = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = scripted.client().responses().createStreaming(ResponseCreateParams.builder()
                .model("opt-tools").addTool(weatherTool()).input("What is the weather in Paris?").build())) {
            stream.stream().forEach(e -> calls.accumulate(e.validate()));
        }
        ResponseFunctionToolCall call = calls.response().output().get(0).asFunctionCall();
        assertEquals("get_weather", call.name());
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
    }

    @Test
    void streamSendsTheResponsesEventSequence() throws Exception {
        HttpResponse<String> raw = ServeTestSupport.post(scripted.server(), "/responses",
                "{\"model\":\"opt-tools\",\"input\":\"What is the weather in Paris?\",\"stream\":true,\"tools\":[{\"type\":\"function\","
                        + "\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]}");
        assertEquals(200, raw.statusCode());
        assertTrue(raw.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> types = new ArrayList<>();
        int sequence = 0;
        for (String block : raw.body().split("\n\n")) {
            if (block.isBlank() || block.startsWith(":")) continue;
            String[] lines = block.split("\n");
            String event = lines[0].substring("event: ".length());
            JsonNode data = Json.MAPPER.readTree(lines[1].substring("data: ".length()));
            assertEquals(event, data.get("type").asText());
            assertEquals(sequence++, data.get("sequence_number").asInt());
            if (types.isEmpty() || !types.getLast().equals(event)) types.add(event);
        }
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed"), types);

        HttpResponse<String> text = ServeTestSupport.post(scripted.server(), "/responses",
                "{\"model\":\"opt-tools\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Hello\"}]}],\"stream\":true}");
        List<String> textTypes = new ArrayList<>();
        for (String block : text.body().split("\n\n")) {
            if (block.startsWith("event: ")) {
                String event = block.substring("event: ".length(), block.indexOf('\n'));
                if (textTypes.isEmpty() || !textTypes.getLast().equals(event)) textTypes.add(event);
            }
        }
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed"), textTypes);
    }

    @Test
    void aLengthCutIsAnIncompleteResponse() {
        Response r = scripted.client().responses().create(ResponseCreateParams.builder().model("opt-tools")
                .input("anything else").maxOutputTokens(3).build());
        r.validate();
        assertEquals(ResponseStatus.INCOMPLETE, r.status().orElseThrow());
        assertEquals(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS, r.incompleteDetails().orElseThrow().reason().orElseThrow());
    }

    @Test
    void unsupportedInputIsA400NamingTheField() throws Exception {
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/responses",
                "{\"model\":\"opt-tools\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"x\"}]}]}"),
                400, "unsupported_parameter");
        HttpResponse<String> hosted = ServeTestSupport.post(scripted.server(), "/responses",
                "{\"model\":\"opt-tools\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}");
        ServerErrorsTest.error(hosted, 400, "unsupported_parameter");
        assertTrue(Json.MAPPER.readTree(hosted.body()).at("/error/message").asText().startsWith("tools[0].type"));
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/responses",
                "{\"model\":\"opt-tools\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}"), 400, "unsupported_parameter");
        ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/responses", "{\"model\":\"other\",\"input\":\"hi\"}"), 404, "model_not_found");
        HttpResponse<String> zero = ServeTestSupport.post(scripted.server(), "/responses", "{\"model\":\"opt-tools\",\"input\":\"hi\",\"max_output_tokens\":0}");
        ServerErrorsTest.error(zero, 400, "invalid_value");
        assertTrue(Json.MAPPER.readTree(zero.body()).at("/error/message").asText().startsWith("max_output_tokens"));
        HttpResponse<String> schema = ServeTestSupport.post(scripted.server(), "/responses", "{\"model\":\"opt-tools\",\"input\":\"hi\","
                + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\",\"schema\":{\"type\":\"object\",\"patternProperties\":{}}}}}");
        ServerErrorsTest.error(schema, 400, "unsupported_schema");
        assertTrue(Json.MAPPER.readTree(schema.body()).at("/error/message").asText().contains("patternProperties"), schema.body());
    }

    @Test
    void anUnknownIncludeOrATopLogprobsOutOfRangeIsA400NamingIt() throws Exception {
        for (Map.Entry<String, String> bad : Map.of(
                "include[1]", "\"include\":[\"message.output_text.logprobs\",\"message.output_text.tokens\"]",
                "include", "\"include\":\"message.output_text.logprobs\"",
                "top_logprobs", "\"include\":[\"message.output_text.logprobs\"],\"top_logprobs\":21").entrySet()) {
            JsonNode err = ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/responses",
                    "{\"model\":\"opt-tools\",\"input\":\"hi\"," + bad.getValue() + "}"), 400,
                    bad.getKey().equals("include") ? "invalid_type" : "invalid_value");
            assertEquals(bad.getKey(), err.get("param").asText(), err.toString());
        }
        JsonNode negative = ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/responses",
                "{\"model\":\"opt-tools\",\"input\":\"hi\",\"top_logprobs\":-1}"), 400, "invalid_value");
        assertEquals("top_logprobs", negative.get("param").asText());
        JsonNode unknown = ServerErrorsTest.error(ServeTestSupport.post(scripted.server(), "/responses",
                "{\"model\":\"opt-tools\",\"input\":\"hi\",\"include\":[\"output_text.logprob\"]}"), 400, "invalid_value");
        assertEquals("include[0]", unknown.get("param").asText());
        assertTrue(unknown.get("message").asText().contains("\"output_text.logprob\""), unknown.toString());
    }

    @Test
    void includablesForItemsThisServerNeverProducesAreAccepted() {
        Response r = scripted.client().responses().create(ResponseCreateParams.builder().model("opt-tools").input("Hello there")
                .addInclude(ResponseIncludable.REASONING_ENCRYPTED_CONTENT).addInclude(ResponseIncludable.MESSAGE_OUTPUT_TEXT_LOGPROBS)
                .topLogprobs(20L).build());
        r.validate();
        assertEquals("Hello! How can I help you today?", text(r));
        assertEquals(20L, r.topLogprobs().orElseThrow());
    }
}
