package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolCallParserTest {
    private static ToolCallParser parser(ToolCallFormat format) {
        return format.parser(new Random(7));
    }

    private static void assertCall(ToolCall call, String name, String arguments) {
        assertEquals(name, call.name());
        assertEquals(arguments, call.arguments());
    }

    @Test
    void hermesSeveralCallsWithContentAround() {
        String out = "I'll look up both.\n<tool_call>\n{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Zürich, Switzerland\", \"unit\": \"celsius\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"search_flights\", \"arguments\": {\"origin\": \"BOS\", \"destination\": \"DEN\", \"date\": \"2025-04-02\", \"max_stops\": 0}}\n</tool_call>";
        ParsedReply r = parser(ToolCallFormat.HERMES).parse(out);
        assertFalse(r.failed());
        assertEquals("I'll look up both.", r.content());
        assertEquals(2, r.toolCalls().size());
        assertCall(r.toolCalls().get(0), "get_current_weather", "{\"location\": \"Zürich, Switzerland\", \"unit\": \"celsius\"}");
        assertCall(r.toolCalls().get(1), "search_flights", "{\"origin\": \"BOS\", \"destination\": \"DEN\", \"date\": \"2025-04-02\", \"max_stops\": 0}");
        assertTrue(r.toolCalls().get(0).id().matches("call_[A-Za-z0-9]{24}"));
        assertFalse(r.toolCalls().get(0).id().equals(r.toolCalls().get(1).id()));
    }

    @Test
    void hermesUnclosedLastCallAndPlainReply() {
        ParsedReply r = parser(ToolCallFormat.HERMES).parse("<tool_call>\n{\"name\": \"ping\", \"arguments\": {}}\n");
        assertNull(r.content());
        assertCall(r.toolCalls().get(0), "ping", "{}");
        ParsedReply plain = parser(ToolCallFormat.HERMES).parse("It is 21 °C and sunny.");
        assertEquals("It is 21 °C and sunny.", plain.content());
        assertTrue(plain.toolCalls().isEmpty());
        assertFalse(plain.failed());
    }

    @Test
    void malformedCallsGiveTheWholeReplyAndAnError() {
        String[][] cases = {
                {"hermes", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}\n</tool_call>"},
                {"hermes", "<tool_call>{\"arguments\": {\"city\": \"Paris\"}}</tool_call>"},
                {"hermes", "<tool_call>{\"name\": \"f\", \"arguments\": [1, 2]}</tool_call>"},
                {"llama3_json", "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\""},
                {"llama3_json", "<|python_tag|>{\"parameters\": {}}"},
                {"llama3_json", "{\"name\": \"a\", \"parameters\": {}} and then I will answer"},
                {"mistral", "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}"},
                {"mistral", "[TOOL_CALLS]get_weather{\"city\": \"Paris\"}"},
        };
        for (String[] c : cases) {
            ParsedReply r = parser(ToolCallFormat.named(c[0])).parse(c[1]);
            assertTrue(r.failed(), c[1]);
            assertTrue(r.error().startsWith("malformed tool call: "), r.error());
            assertEquals(c[1], r.content());
            assertTrue(r.toolCalls().isEmpty());
        }
    }

    @Test
    void llama3JsonWithAndWithoutPythonTagAndSeveralCalls() {
        ToolCallParser p = parser(ToolCallFormat.LLAMA3_JSON);
        ParsedReply bare = p.parse("{\"name\": \"get_current_weather\", \"parameters\": {\"location\": \"Zürich, Switzerland\", \"unit\": \"celsius\"}}");
        assertNull(bare.content());
        assertCall(bare.toolCalls().get(0), "get_current_weather", "{\"location\": \"Zürich, Switzerland\", \"unit\": \"celsius\"}");
        ParsedReply tagged = p.parse("<|python_tag|>{\"name\": \"search\", \"parameters\": {\"query\": \"a; b\"}}; {\"name\": \"ping\", \"arguments\": \"{\\\"n\\\": 1}\"}");
        assertEquals(2, tagged.toolCalls().size());
        assertCall(tagged.toolCalls().get(0), "search", "{\"query\": \"a; b\"}");
        assertCall(tagged.toolCalls().get(1), "ping", "{\"n\": 1}");
        ParsedReply plain = p.parse("The capital of Spain is Madrid.");
        assertEquals("The capital of Spain is Madrid.", plain.content());
        assertFalse(plain.failed());
    }

    @Test
    void mistralListAndNamedForms() {
        ToolCallParser p = parser(ToolCallFormat.MISTRAL);
        ParsedReply list = p.parse("[TOOL_CALLS] [{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Paris, France\"}}, {\"name\": \"search_flights\", \"arguments\": {\"origin\": \"CDG\", \"destination\": \"JFK\", \"date\": \"2025-05-01\"}}]");
        assertNull(list.content());
        assertEquals(2, list.toolCalls().size());
        assertCall(list.toolCalls().get(1), "search_flights", "{\"origin\": \"CDG\", \"destination\": \"JFK\", \"date\": \"2025-05-01\"}");
        assertTrue(list.toolCalls().get(0).id().matches("[A-Za-z0-9]{9}"), list.toolCalls().get(0).id());
        ParsedReply named = p.parse("Checking.[TOOL_CALLS]get_current_weather[ARGS]{\"location\": \"Paris, France\"}[TOOL_CALLS]ping[ARGS]{}");
        assertEquals("Checking.", named.content());
        assertCall(named.toolCalls().get(0), "get_current_weather", "{\"location\": \"Paris, France\"}");
        assertCall(named.toolCalls().get(1), "ping", "{}");
        assertEquals("No call here.", p.parse("No call here.").content());
    }

    @Test
    void repliesAsOpenAiAssistantMessages() {
        JsonNode call = new ToolCall("call_1", "f", "{\"a\": 1}").toOpenAi();
        assertEquals("{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\": 1}\"}}", call.toString());
        ParsedReply calls = new ParsedReply(null, List.of(new ToolCall("call_1", "f", "{\"a\": 1}")), null);
        assertEquals("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + call + "]}", calls.toOpenAiMessage().toString());
        ParsedReply broken = parser(ToolCallFormat.HERMES).parse("<tool_call>{oops</tool_call>");
        assertEquals("{\"role\":\"assistant\",\"content\":\"<tool_call>{oops</tool_call>\"}", broken.toOpenAiMessage().toString());
    }

    @Test
    void formatDetectedFromWhatTheTemplateTeaches() throws Exception {
        var dir = ChatTemplateFixtureTest.dir().resolve("templates");
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.detect(Files.readString(dir.resolve("Qwen-Qwen2.5-7B-Instruct.jinja"))).orElseThrow());
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.detect(Files.readString(dir.resolve("Qwen-Qwen3-0.6B.jinja"))).orElseThrow());
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.detect(Files.readString(dir.resolve("vllm-tool_chat_template_hermes.jinja"))).orElseThrow());
        assertEquals(ToolCallFormat.LLAMA3_JSON, ToolCallFormat.detect(Files.readString(dir.resolve("meta-llama-Llama-3.2-3B-Instruct.jinja"))).orElseThrow());
        // Mistral's templates write calls after the [TOOL_CALLS] token
        assertEquals(ToolCallFormat.MISTRAL, ToolCallFormat.detect(
                "{%- elif message.tool_calls is defined %}{{- \"[TOOL_CALLS][\" }}{%- for tool_call in message.tool_calls %}").orElseThrow());
        assertTrue(ToolCallFormat.detect("{% for m in messages %}{{ m.content }}{% endfor %}").isEmpty());
        assertThrows(BadInputException.class, () -> ToolCallFormat.named("react"));
        assertEquals(List.of("hermes", "llama3_json", "mistral"), List.of(ToolCallFormat.values()).stream().map(ToolCallFormat::cliName).toList());
    }
}
