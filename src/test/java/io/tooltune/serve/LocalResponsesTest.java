package io.tooltune.serve;

import com.openai.core.JsonValue;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceFunction;
import io.tooltune.Json;
import io.tooltune.generate.constrain.SchemaCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Responses API on a real local model (the random-weight Llama fixture): a named tool_choice and a json_schema
 * text.format reach the same constrained decoding as chat, so the garbage model still returns a valid call and
 * schema-valid JSON.
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
        ResponseFormatTextJsonSchemaConfig.Schema.Builder sb = ResponseFormatTextJsonSchemaConfig.Schema.builder();
        TIME.forEach((k, v) -> sb.putAdditionalProperty(k, JsonValue.from(v)));
        Response r = local.client().responses().create(ask().text(ResponseTextConfig.builder().format(
                ResponseFormatTextJsonSchemaConfig.builder().name("time").strict(true).schema(sb.build()).build()).build()).build());
        r.validate();
        String text = r.output().get(0).asMessage().content().get(0).asOutputText().text();
        assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(TIME), Json.MAPPER.readTree(text)), text);
    }
}
