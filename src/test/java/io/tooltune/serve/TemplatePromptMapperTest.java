package io.tooltune.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.TokenizerPrefix;
import io.tooltune.chat.ToolCallFormat;
import io.tooltune.inference.Completion;
import io.tooltune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI requests through the fixture templates, and model replies in their tool-call syntax back to OpenAI. */
class TemplatePromptMapperTest {

    static TemplatePromptMapper mapper(String model) {
        return new TemplatePromptMapper(ModelChatTemplates.load(Shared.path("fixtures/llama/" + model), TemplateFixtureCases.FIXTURE_CLOCK), new TokenizerPrefix(""));
    }

    static ChatRequest request(String json) throws Exception {
        return ChatRequest.parse(Json.MAPPER.readTree(json));
    }

    static final String TOOLS = "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather\","
            + " \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}},"
            + " {\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"description\": \"Time\"}}]";

    @Test
    void rendersEveryServableFixtureCaseExactly() throws Exception {
        List<TemplateFixtureCases.Case> cases = TemplateFixtureCases.servable();
        assertTrue(cases.size() >= 12, "cases: " + cases.size());
        for (TemplateFixtureCases.Case c : cases) {
            TemplatePromptMapper m = new TemplatePromptMapper(c.templates(), new TokenizerPrefix(""));
            PromptMapper.Rendered r = m.render(ChatRequest.parse(c.request()));
            assertEquals(c.expected(), r.prompt(), c.template() + " / " + c.name());
            assertEquals("", r.prefill());
        }
    }

    @Test
    void detectsEachTemplatesCallFormat() {
        assertEquals(Optional.of(ToolCallFormat.HERMES), mapper("tiny-qwen2").callFormat());
        assertEquals(Optional.of(ToolCallFormat.HERMES), mapper("tiny-llama").callFormat());
        assertEquals(Optional.of(ToolCallFormat.LLAMA3_JSON), mapper("tiny-llama3").callFormat());
    }

    @Test
    void theTokenizersOwnBosIsLeftToTheTokenizer() {
        try (Tokenizer llama = Tokenizer.load(Shared.path("fixtures/llama/tiny-llama"));
             Tokenizer qwen = Tokenizer.load(Shared.path("fixtures/llama/tiny-qwen2"))) {
            assertEquals("<|begin_of_text|>", TokenizerPrefix.of(llama).text());
            assertEquals("", TokenizerPrefix.of(qwen).text());
        }
    }

    @Test
    void modelsWithoutATemplateKeepTheReactPrompt() {
        try (Tokenizer tok = Tokenizer.load(Shared.path("fixtures/opt/tokenizer"))) {
            assertSame(PromptFormat.REACT, TemplatePromptMapper.forModel(
                    ModelChatTemplates.load(Shared.path("fixtures/opt/tokenizer"), TemplateFixtureCases.FIXTURE_CLOCK), tok));
        }
    }

    @Test
    void toolChoiceDecidesWhichToolsTheTemplateSees() throws Exception {
        TemplatePromptMapper m = mapper("tiny-qwen2");
        String user = "\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], " + TOOLS;
        PromptMapper.Rendered auto = m.render(request("{" + user + "}"));
        assertTrue(auto.prompt().contains("\"name\": \"get_time\"") && auto.prompt().contains("\"name\": \"get_weather\""));
        assertEquals(List.of("get_weather", "get_time"), List.copyOf(auto.callable()));
        PromptMapper.Rendered none = m.render(request("{" + user + ", \"tool_choice\": \"none\"}"));
        assertTrue(!none.prompt().contains("<tools>") && none.callable().isEmpty());
        PromptMapper.Rendered named = m.render(request("{" + user + ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_time\"}}}"));
        assertTrue(named.prompt().contains("get_time") && !named.prompt().contains("get_weather"));
        assertEquals(List.of("get_time"), List.copyOf(named.callable()));
    }

    @Test
    void aTemplateThatRefusesIsABadRequest() throws Exception {
        // Llama 3.2's template allows one call per turn
        ObjectNode body = TemplateFixtureCases.openAiRequest(Json.MAPPER.readTree("""
                {"messages": [{"role": "user", "content": "two"}, {"role": "assistant", "content": "", "tool_calls": [
                  {"id": "a", "type": "function", "function": {"name": "f", "arguments": {}}},
                  {"id": "b", "type": "function", "function": {"name": "f", "arguments": {}}}]},
                  {"role": "tool", "tool_call_id": "a", "content": "1"}, {"role": "tool", "tool_call_id": "b", "content": "2"}],
                 "tools": [{"type": "function", "function": {"name": "f", "description": "F"}}]}"""), "m");
        ApiException e = assertThrows(ApiException.class, () -> mapper("tiny-llama3").render(ChatRequest.parse(body)));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("This model only supports single tool-calls at once!"), e.getMessage());
    }

    static AssistantReply reply(TemplatePromptMapper m, String toolChoice, String output, boolean hitMax) throws Exception {
        PromptMapper.Rendered r = m.render(request("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                + TOOLS + ", \"tool_choice\": " + toolChoice + "}"));
        return m.reply(r, new Completion(output, 10, 5, hitMax));
    }

    @Test
    void hermesCallsBecomeOpenAiToolCallsParallelToo() throws Exception {
        AssistantReply r = reply(mapper("tiny-qwen2"), "\"auto\"", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>", false);
        assertEquals("tool_calls", r.finishReason());
        assertNull(r.content());
        assertEquals(2, r.toolCalls().size());
        assertEquals("get_weather", r.toolCalls().get(0).name());
        assertEquals("{\"city\": \"Paris\"}", r.toolCalls().get(0).arguments());
        assertEquals("get_time", r.toolCalls().get(1).name());
        assertEquals("{}", r.toolCalls().get(1).arguments());
        assertTrue(r.toolCalls().get(0).id().startsWith("call_"));
        assertTrue(!r.toolCalls().get(0).id().equals(r.toolCalls().get(1).id()));
    }

    @Test
    void llama3JsonCallsAreRead() throws Exception {
        AssistantReply r = reply(mapper("tiny-llama3"), "\"auto\"", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}", false);
        assertEquals("tool_calls", r.finishReason());
        assertEquals("get_weather", r.toolCalls().get(0).name());
        assertEquals("{\"city\": \"Oslo\"}", r.toolCalls().get(0).arguments());
    }

    @Test
    void anythingButAValidCallOfAnOfferedToolIsPlainContent() throws Exception {
        TemplatePromptMapper m = mapper("tiny-qwen2");
        String malformed = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \n</tool_call>";
        assertEquals(new AssistantReply(malformed, List.of(), "stop"), reply(m, "\"auto\"", malformed, false));
        String unknown = "<tool_call>\n{\"name\": \"launch_rocket\", \"arguments\": {}}\n</tool_call>";
        assertEquals(new AssistantReply(unknown, List.of(), "stop"), reply(m, "\"auto\"", unknown, false));
        String call = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
        assertEquals(new AssistantReply(call, List.of(), "stop"), reply(m, "\"none\"", call, false));
        assertEquals(new AssistantReply("It is sunny", List.of(), "length"), reply(m, "\"auto\"", " It is sunny\n", true));
    }

    @Test
    void forcedChoicesPrefillTheCallsStartAndReadItBack() throws Exception {
        TemplatePromptMapper m = mapper("tiny-qwen2");
        String user = "\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], " + TOOLS;
        PromptMapper.Rendered required = m.render(request("{" + user + ", \"tool_choice\": \"required\"}"));
        assertEquals("<tool_call>\n{\"name\": \"", required.prefill());
        assertTrue(required.prompt().endsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \""), required.prompt());
        PromptMapper.Rendered named = m.render(request("{" + user
                + ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"get_time\"}}}"));
        assertTrue(named.prompt().endsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": "), named.prompt());

        AssistantReply call = m.reply(named, new Completion("{}}\n</tool_call>", 10, 4, false));
        assertEquals("tool_calls", call.finishReason());
        assertNull(call.content());
        assertEquals("get_time", call.toolCalls().get(0).name());
        assertEquals(new AssistantReply("", List.of(), "length"), m.reply(named, new Completion("{\"zone", 10, 2, true)),
                "a cut call is no content, never the partial call or the prefill");
        assertEquals(new AssistantReply("", List.of(), "length"), m.reply(required, new Completion("get_wea", 10, 2, true)));
    }

    @Test
    void forcingACallNeedsATemplateWhoseCallSyntaxIsKnown(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), Json.MAPPER.writeValueAsString(Map.of("chat_template",
                "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if tools %}tools: {{ tools | tojson }}\n{% endif %}")));
        TemplatePromptMapper m = new TemplatePromptMapper(ModelChatTemplates.load(dir, TemplateFixtureCases.FIXTURE_CLOCK), new TokenizerPrefix(""));
        assertEquals(Optional.empty(), m.callFormat());
        ChatRequest req = request("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], " + TOOLS
                + ", \"tool_choice\": \"required\"}");
        ApiException e = assertThrows(ApiException.class, () -> Constraints.grammar(req, m));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("teaches no tool-call syntax tooltune can force"), e.getMessage());
        ChatRequest auto = request("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], " + TOOLS + "}");
        assertNull(Constraints.grammar(auto, m), "auto decodes freely");
    }
}
