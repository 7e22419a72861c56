package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import io.tooltune.Json;
import io.tooltune.generate.constrain.SchemaCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tool_choice and response_format enforced by decoding, through openai-java against a real local model: the
 * ToolLLaMA-2-like Llama fixture (random weights, 1,024 positions, enough for the ReAct prompt), sampled at
 * temperature 1, so its text is garbage and only constrained decoding makes the replies valid.
 */
class ConstrainedServeTest {
    private static final String MODEL = LocalLlamaServer.MODEL;
    /** Schemas keep their written member order (Map.of's varies between runs, and so would the grammar). */
    static final Map<String, Object> WEATHER = ordered("""
            {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["C", "F"]}}, "required": ["city"]}""");
    static final Map<String, Object> TIME = ordered("""
            {"type": "object", "properties": {"zone": {"type": "string"}, "hour24": {"type": "boolean"}},
             "required": ["zone", "hour24"]}""");
    static final Map<String, Object> ANSWER = ordered("""
            {"type": "object", "properties": {"answer": {"type": "string"}, "confidence": {"type": "number"},
             "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 3}},
             "required": ["answer", "confidence"], "additionalProperties": false}""");

    @SuppressWarnings("unchecked")
    static Map<String, Object> ordered(String json) {
        try {
            return Json.MAPPER.readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
    @RegisterExtension
    static final LocalLlamaServer local = new LocalLlamaServer();

    static ChatCompletionFunctionTool tool(String name, Map<String, Object> schema) {
        FunctionParameters.Builder p = FunctionParameters.builder();
        schema.forEach((k, v) -> p.putAdditionalProperty(k, JsonValue.from(v)));
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name)
                .description("a tool").parameters(p.build()).build()).build();
    }

    private static ChatCompletionCreateParams.Builder ask(long seed) {
        return ChatCompletionCreateParams.builder().model(MODEL).temperature(1.0).seed(seed).maxTokens(120)
                .addUserMessage("What is the weather in Paris?");
    }

    static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    static void assertValidCall(ChatCompletion.Choice choice, List<String> names) throws Exception {
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertTrue(choice.message().content().orElse("").isEmpty(), "no content beside the call: " + choice.message().content());
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        String name = call.function().name();
        assertTrue(names.contains(name), name);
        Map<String, Object> schema = name.equals("get_weather") ? WEATHER : TIME;
        assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(schema), json(call.function().arguments())),
                name + " " + call.function().arguments());
    }

    @Test
    void requiredToolChoiceAlwaysCallsAnOfferedToolWithValidArguments() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            ChatCompletion c = local.client().chat().completions().create(ask(seed).addTool(tool("get_weather", WEATHER))
                    .addTool(tool("get_time", TIME)).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
            assertValidCall(c.choices().get(0), List.of("get_weather", "get_time"));
        }
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = local.client().chat().completions().createStreaming(ask(7)
                .addTool(tool("get_weather", WEATHER)).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build())) {
            s.stream().forEach(acc::accumulate);
        }
        assertValidCall(acc.chatCompletion().choices().get(0), List.of("get_weather"));
        ChatCompletion free = local.client().chat().completions().create(ask(0).addTool(tool("get_weather", WEATHER)).build());
        assertTrue(free.choices().get(0).message().toolCalls().isEmpty(), "unconstrained (auto), the model writes no call");
    }

    @Test
    void namedToolChoiceCallsThatToolWithoutLeakingThePrefill() throws Exception {
        for (long seed = 0; seed < 3; seed++) {
            ChatCompletion c = local.client().chat().completions().create(ask(seed).addTool(tool("get_weather", WEATHER))
                    .addTool(tool("get_time", TIME)).toolChoice(ChatCompletionNamedToolChoice.builder()
                            .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build())
                    .build());
            assertValidCall(c.choices().get(0), List.of("get_time"));
        }
    }

    @Test
    void jsonSchemaAndJsonObjectOutputAlwaysParseAndValidate() throws Exception {
        Map<String, Object> schema = ANSWER;
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder sb = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        schema.forEach((k, v) -> sb.putAdditionalProperty(k, JsonValue.from(v)));
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema
                .builder().name("answer").strict(true).schema(sb.build()).build()).build();
        for (long seed = 0; seed < 3; seed++) {
            ChatCompletion c = local.client().chat().completions().create(ask(seed).responseFormat(format).build());
            String content = c.choices().get(0).message().content().orElseThrow();
            assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(schema), json(content)), content);
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        }
        ChatCompletion any = local.client().chat().completions().create(ask(1).responseFormat(ResponseFormatJsonObject.builder().build()).build());
        assertTrue(json(any.choices().get(0).message().content().orElseThrow()).isObject());
        String free = local.client().chat().completions().create(ask(1).build()).choices().get(0).message().content().orElseThrow();
        assertFalse(isJson(free), "unconstrained, the model writes no JSON: " + free);
    }

    @Test
    void unsupportedSchemaKeywordsAreA400NamingThem() {
        ResponseFormatJsonSchema.JsonSchema.Schema s = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("string")).putAdditionalProperty("pattern", JsonValue.from("^a+$")).build();
        BadRequestException e = assertThrows(BadRequestException.class, () -> local.client().chat().completions().create(ask(0)
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("x").schema(s).build()).build()).build()));
        assertTrue(e.getMessage().contains("unsupported keyword \"pattern\""), e.getMessage());
        BadRequestException t = assertThrows(BadRequestException.class, () -> local.client().chat().completions().create(ask(0)
                .addTool(tool("get_weather", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string",
                        "format", "email"))))).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build()));
        assertTrue(t.getMessage().contains("unsupported keyword \"format\""), t.getMessage());
    }

    static boolean isJson(String s) {
        try {
            Json.MAPPER.readTree(s);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
