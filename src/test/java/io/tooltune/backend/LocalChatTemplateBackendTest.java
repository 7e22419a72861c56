package io.tooltune.backend;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.chat.ModelChatTemplates;
import io.tooltune.chat.TokenizerPrefix;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.generate.constrain.Matcher;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceWorker;
import io.tooltune.model.Device;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's turns through tiny-qwen2's chat template, with scripted model text in Qwen's tool-call syntax. */
class LocalChatTemplateBackendTest {
    final List<String> prompts = Collections.synchronizedList(new ArrayList<>());

    final List<Grammar> grammars = Collections.synchronizedList(new ArrayList<>());

    LocalChatTemplateBackend scripted(String reply) {
        return scripted(reply, false);
    }

    LocalChatTemplateBackend scripted(String reply, boolean cut) {
        InferenceWorker worker = new InferenceWorker((batch, cancelled) -> {
            List<Completion> out = new ArrayList<>();
            batch.forEach(r -> {
                prompts.add(r.prompt());
                grammars.add(r.grammar());
                out.add(new Completion(reply, 7, 3, cut));
            });
            return out;
        }, 4, 0);
        return new LocalChatTemplateBackend(worker, GenerationConfig.toolLlama(),
                ModelChatTemplates.load(Shared.path("fixtures/llama/tiny-qwen2"), Clock.systemUTC()), new TokenizerPrefix(""));
    }

    static ArrayNode functions() throws Exception {
        return (ArrayNode) Json.MAPPER.readTree("""
                [{"name": "get_weather", "description": "Weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
                 {"name": "Finish", "description": "Finish", "parameters": {"type": "object", "properties": {}}}]""");
    }

    static List<ObjectNode> history() throws Exception {
        List<ObjectNode> h = new ArrayList<>();
        h.add((ObjectNode) Json.MAPPER.readTree("{\"role\": \"system\", \"content\": \"You are AutoGPT.\"}"));
        h.add((ObjectNode) Json.MAPPER.readTree("{\"role\": \"user\", \"content\": \"Weather in Paris?\"}"));
        return h;
    }

    @Test
    void theFirstNativeCallIsTheFunctionCall() throws Exception {
        try (LocalChatTemplateBackend b = scripted("Let me look.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"Finish\", \"arguments\": {}}\n</tool_call>")) {
            ChatBackend.Reply r = b.chat(history(), functions());
            assertEquals(0, r.errorCode());
            assertEquals(10, r.tokens());
            assertEquals("Let me look.", r.message().get("content").asText());
            assertEquals("get_weather", r.message().at("/function_call/name").asText());
            assertEquals("{\"city\": \"Paris\"}", r.message().at("/function_call/arguments").asText());
        }
    }

    @Test
    void textWithoutACallIsAThoughtAndAMalformedCallCallsNoFunction() throws Exception {
        try (LocalChatTemplateBackend b = scripted("I am thinking")) {
            ChatBackend.Reply r = b.chat(history(), functions());
            assertEquals("I am thinking", r.message().get("content").asText());
            assertFalse(r.message().has("function_call"));
        }
        String broken = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \n</tool_call>";
        try (LocalChatTemplateBackend b = scripted(broken)) {
            ChatBackend.Reply r = b.chat(history(), functions());
            assertEquals(0, r.errorCode());
            assertEquals(broken, r.message().get("content").asText());
            assertEquals(LocalChatTemplateBackend.MALFORMED_CALL, r.message().at("/function_call/name").asText());
        }
    }

    @Test
    void pastCallsAndResultsAreRenderedThroughTheTemplate() throws Exception {
        List<ObjectNode> h = history();
        h.add((ObjectNode) Json.MAPPER.readTree("{\"role\": \"assistant\", \"content\": null, \"function_call\": {\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}}"));
        h.add((ObjectNode) Json.MAPPER.readTree("{\"role\": \"function\", \"name\": \"get_weather\", \"content\": \"{\\\"error\\\": \\\"\\\", \\\"response\\\": \\\"sunny\\\"}\"}"));
        h.add((ObjectNode) Json.MAPPER.readTree("{\"role\": \"user\", \"content\": \"ignored\", \"valid\": false}"));
        try (LocalChatTemplateBackend b = scripted("ok")) {
            b.chat(h, functions());
        }
        String p = prompts.get(0);
        assertTrue(p.startsWith("<|im_start|>system\nYou are AutoGPT.\n\n# Tools\n\n"), p);
        assertTrue(p.endsWith("<|im_start|>user\nWeather in Paris?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n"
                + "<tool_response>\n{\"error\": \"\", \"response\": \"sunny\"}\n</tool_response><|im_end|>\n<|im_start|>assistant\n"), p);
    }

    @Test
    void aModelWithoutATemplateIsRefused() {
        BadInputException e = assertThrows(BadInputException.class, () -> LocalChatTemplateBackend.load(
                Shared.path("fixtures/opt/tiny-opt-prenorm"), null, GenerationConfig.toolLlama(), 1, Device.CPU, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("needs a model with a chat template"), e.getMessage());
    }

    @Test
    void constrainedRepliesContinueThePrefilledCallUnderTheFunctionsGrammar() throws Exception {
        try (LocalChatTemplateBackend b = scripted("get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", false)
                .constrainCalls(true)) {
            ChatBackend.Reply r = b.chat(history(), functions());
            assertTrue(prompts.get(0).endsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \""), prompts.get(0));
            Matcher m = grammars.get(0).matcher();
            assertTrue(m.advance("Finish\", \"arguments\": {}}\n</tool_call>") && m.isComplete(), "Finish is offered too");
            assertFalse(grammars.get(0).matcher().advance("launch_rocket"), "only offered functions");
            assertFalse(r.message().has("content"));
            assertEquals("get_weather", r.message().at("/function_call/name").asText());
            assertEquals("{\"city\": \"Paris\"}", r.message().at("/function_call/arguments").asText());
            b.chat(history(), functions());
            assertSame(grammars.get(0), grammars.get(1), "compiled once per function list");
        }
        try (LocalChatTemplateBackend b = scripted("get_wea", true).constrainCalls(true)) {
            ChatBackend.Reply r = b.chat(history(), functions());
            assertEquals(LocalChatTemplateBackend.MALFORMED_CALL, r.message().at("/function_call/name").asText(),
                    "a call cut by the token limit is an error step");
        }
    }
}
