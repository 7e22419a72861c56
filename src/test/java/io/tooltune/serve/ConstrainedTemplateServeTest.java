package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.ToolCallFormat;
import io.tooltune.generate.constrain.SchemaCheck;
import io.tooltune.model.Device;
import io.tooltune.model.io.ModelFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.tooltune.serve.ConstrainedServeTest.TIME;
import static io.tooltune.serve.ConstrainedServeTest.WEATHER;
import static io.tooltune.serve.ConstrainedServeTest.json;
import static io.tooltune.serve.ConstrainedServeTest.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tool_choice and response_format enforced on the chat-template path, through openai-java and LangChain4j against
 * real local models speaking their own templates: tiny-qwen2 (Qwen2.5's template, Hermes {@code <tool_call>} blocks)
 * and a copy of tiny-llama-linear given Llama 3.2's template (bare JSON calls with "parameters"; that template lists
 * the tools at length, more than tiny-llama3's 512 positions hold, and the copy has 1,024). Random weights sampled at
 * temperature 1: only constrained decoding makes the replies valid.
 */
class ConstrainedTemplateServeTest {
    static final String QWEN = "tiny-qwen2", LLAMA = "llama-3.2-template";
    @TempDir
    static Path llamaDir;
    static LocalModelBackend qwenBackend, llamaBackend;
    static ChatServer qwen, llama;

    @BeforeAll
    static void start() throws Exception {
        Path qwenDir = Shared.path("fixtures/llama/" + QWEN);
        qwenBackend = new LocalModelBackend(ModelFolder.load(qwenDir, Device.CPU), QWEN, 4);
        qwen = server(qwenBackend, qwenDir, ToolCallFormat.HERMES);
        Path linear = Shared.path("fixtures/llama/tiny-llama-linear");
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json")) {
            Files.copy(linear.resolve(f), llamaDir.resolve(f));
        }
        ObjectNode tokenizerConfig = (ObjectNode) Json.MAPPER.readTree(linear.resolve("tokenizer_config.json").toFile());
        tokenizerConfig.put("chat_template", Files.readString(Shared.path(
                "fixtures/llama/chat_templates/templates/meta-llama-Llama-3.2-3B-Instruct.jinja")));
        Json.MAPPER.writeValue(llamaDir.resolve("tokenizer_config.json").toFile(), tokenizerConfig);
        llamaBackend = new LocalModelBackend(ModelFolder.load(llamaDir, Device.CPU), LLAMA, 4);
        llama = server(llamaBackend, llamaDir, ToolCallFormat.LLAMA3_JSON);
    }

    private static ChatServer server(LocalModelBackend backend, Path dir, ToolCallFormat syntax) throws Exception {
        PromptFormat format = TemplatePromptMapper.forModel(ModelChatTemplates.load(dir, Clock.systemUTC()), backend.tokenizer());
        assertEquals(Optional.of(syntax), ((TemplatePromptMapper) format).callFormat(), dir.toString());
        ChatServer s = new ChatServer(backend, format, "127.0.0.1", 0);
        s.start();
        return s;
    }

    @AfterAll
    static void stop() {
        try (LocalModelBackend a = qwenBackend; ChatServer b = qwen; LocalModelBackend c = llamaBackend; ChatServer d = llama) {
            // servers first, then their backends and models
        }
    }

    private static ChatCompletionCreateParams.Builder ask(String model, long seed) {
        return ChatCompletionCreateParams.builder().model(model).temperature(1.0).seed(seed).maxTokens(120)
                .addUserMessage("What is the weather in Paris?").addTool(tool("get_weather", WEATHER)).addTool(tool("get_time", TIME));
    }

    /** Every call names an allowed tool and carries arguments valid for its schema; nothing else is in the reply. */
    private static void assertValidCalls(ChatCompletion.Choice choice, List<String> names) throws Exception {
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason(), choice.toString());
        assertTrue(choice.message().content().orElse("").isEmpty(), "no content beside the calls: " + choice.message().content());
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertFalse(calls.isEmpty());
        for (ChatCompletionMessageToolCall c : calls) {
            String name = c.asFunction().function().name();
            String args = c.asFunction().function().arguments();
            assertTrue(names.contains(name), name);
            assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(name.equals("get_weather") ? WEATHER : TIME), json(args)), name + " " + args);
        }
    }

    @Test
    void requiredToolChoiceCallsAnOfferedToolInBothFamilies() throws Exception {
        for (ChatServer server : List.of(qwen, llama)) {
            String model = server == qwen ? QWEN : LLAMA;
            OpenAIClient client = ServeTestSupport.client(server);
            for (long seed = 0; seed < 3; seed++) {
                ChatCompletion c = client.chat().completions().create(ask(model, seed)
                        .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
                assertValidCalls(c.choices().get(0), List.of("get_weather", "get_time"));
            }
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(ask(model, 5)
                    .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build())) {
                s.stream().forEach(acc::accumulate);
            }
            assertValidCalls(acc.chatCompletion().choices().get(0), List.of("get_weather", "get_time"));
            ChatCompletion free = client.chat().completions().create(ask(model, 0).build());
            assertTrue(free.choices().get(0).message().toolCalls().orElse(List.of()).isEmpty(),
                    model + " unconstrained (auto) writes no call: " + free.choices().get(0).message());
        }
    }

    @Test
    void namedToolChoiceCallsThatToolWithoutLeakingThePrefill() throws Exception {
        for (ChatServer server : List.of(qwen, llama)) {
            OpenAIClient client = ServeTestSupport.client(server);
            for (long seed = 0; seed < 3; seed++) {
                ChatCompletion c = client.chat().completions().create(ask(server == qwen ? QWEN : LLAMA, seed)
                        .toolChoice(ChatCompletionNamedToolChoice.builder().function(ChatCompletionNamedToolChoice.Function
                                .builder().name("get_time").build()).build()).build());
                assertValidCalls(c.choices().get(0), List.of("get_time"));
                assertEquals(1, c.choices().get(0).message().toolCalls().orElseThrow().size());
            }
        }
    }

    @Test
    void aForcedCallCutByTheTokenLimitIsEmptyContentNotThePartialCall() throws Exception {
        ChatCompletion c = ServeTestSupport.client(qwen).chat().completions().create(ask(QWEN, 0).maxTokens(2)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        ChatCompletion.Choice choice = c.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, choice.finishReason());
        assertEquals("", choice.message().content().orElse(""));
        assertTrue(choice.message().toolCalls().orElse(List.of()).isEmpty());
    }

    @Test
    void jsonSchemaAndJsonObjectOutputAlwaysParseAndValidate() throws Exception {
        Map<String, Object> schema = ConstrainedServeTest.ANSWER;
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder sb = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        schema.forEach((k, v) -> sb.putAdditionalProperty(k, JsonValue.from(v)));
        ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema
                .builder().name("answer").strict(true).schema(sb.build()).build()).build();
        for (ChatServer server : List.of(qwen, llama)) {
            String model = server == qwen ? QWEN : LLAMA;
            for (long seed = 0; seed < 3; seed++) {
                ChatCompletion c = ServeTestSupport.client(server).chat().completions().create(ChatCompletionCreateParams
                        .builder().model(model).temperature(1.0).seed(seed).maxTokens(120)
                        .addUserMessage("Answer in JSON").responseFormat(format).build());
                String content = c.choices().get(0).message().content().orElseThrow();
                assertTrue(SchemaCheck.valid(Json.MAPPER.valueToTree(schema), json(content)), model + ": " + content);
                assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
            }
            ChatCompletion any = ServeTestSupport.client(server).chat().completions().create(ChatCompletionCreateParams
                    .builder().model(model).temperature(1.0).seed(1).maxTokens(120).addUserMessage("Answer in JSON")
                    .responseFormat(ResponseFormatJsonObject.builder().build()).build());
            assertTrue(json(any.choices().get(0).message().content().orElseThrow()).isObject(), model);
        }
    }

    @Test
    void unsupportedKeywordsInToolSchemasAreA400NamingThem() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> ServeTestSupport.client(qwen).chat().completions()
                .create(ChatCompletionCreateParams.builder().model(QWEN).maxTokens(20).addUserMessage("hi")
                        .addTool(tool("get_weather", Map.of("type", "object", "properties", Map.of("city",
                                Map.of("type", "string", "pattern", "^[A-Z]")))))
                        .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build()));
        assertTrue(e.getMessage().contains("unsupported keyword \"pattern\""), e.getMessage());
    }

    private static OpenAiChatModel langChain(long seed) {
        return OpenAiChatModel.builder().baseUrl(ServeTestSupport.baseUrl(qwen)).apiKey("unused").modelName(QWEN)
                .temperature(1.0).seed((int) seed).maxTokens(120).maxRetries(0).build();
    }

    private static ToolSpecification weatherSpec() {
        return ToolSpecification.builder().name("get_weather").description("Current weather for a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
    }

    private static ToolSpecification timeSpec() {
        return ToolSpecification.builder().name("get_time").description("Current time")
                .parameters(JsonObjectSchema.builder().addStringProperty("zone").addBooleanProperty("hour24")
                        .required("zone", "hour24").build()).build();
    }

    @Test
    void langChain4jRequiredAndNamedToolChoiceGiveValidCalls() throws Exception {
        JsonNode weather = json("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}");
        JsonNode time = json("{\"type\": \"object\", \"properties\": {\"zone\": {\"type\": \"string\"}, \"hour24\": "
                + "{\"type\": \"boolean\"}}, \"required\": [\"zone\", \"hour24\"]}");
        for (long seed = 0; seed < 3; seed++) {
            ChatResponse r = langChain(seed).chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                    .messages(UserMessage.from("What is the weather in Paris?"))
                    .toolSpecifications(weatherSpec(), timeSpec()).toolChoice(ToolChoice.REQUIRED).build());
            assertTrue(r.aiMessage().hasToolExecutionRequests(), r.toString());
            for (ToolExecutionRequest t : r.aiMessage().toolExecutionRequests()) {
                assertTrue(SchemaCheck.valid(t.name().equals("get_weather") ? weather : time, json(t.arguments())),
                        t.name() + " " + t.arguments());
            }
            // a named choice: LangChain4j's portable ToolChoice has none, so it goes as OpenAI's own parameter
            ChatResponse named = langChain(seed).chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                    .messages(UserMessage.from("What is the weather in Paris?"))
                    .parameters(OpenAiChatRequestParameters.builder().toolSpecifications(weatherSpec(), timeSpec())
                            .customParameters(Map.of("tool_choice", Map.of("type", "function", "function", Map.of("name", "get_time"))))
                            .build()).build());
            List<ToolExecutionRequest> calls = named.aiMessage().toolExecutionRequests();
            assertEquals(1, calls.size(), named.toString());
            assertEquals("get_time", calls.get(0).name());
            assertTrue(SchemaCheck.valid(time, json(calls.get(0).arguments())), calls.get(0).arguments());
        }
    }
}
