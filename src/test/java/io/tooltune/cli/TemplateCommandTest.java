package io.tooltune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tooltune template} end to end: exit code and the exact bytes on stdout. */
class TemplateCommandTest {
    @TempDir
    Path tmp;

    private record Outcome(int exitCode, byte[] stdout, String stderr) {}

    private static Outcome tooltune(String... args) {
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int exitCode = Main.run(args);
            return new Outcome(exitCode, stdout.toByteArray(), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
    }

    private static JsonNode fixtureCase(String template, String name) throws Exception {
        JsonNode all = Json.MAPPER.readTree(Shared.path("fixtures/llama/chat_templates/expected_renders.json").toFile());
        for (JsonNode c : all.get("templates").get(template).get("cases")) {
            if (c.get("name").asText().equals(name)) return c;
        }
        throw new AssertionError("no case " + template + "/" + name);
    }

    /** The case as the command's input file: messages, tools, add_generation_prompt and the case's extra variables. */
    private Path inputFile(JsonNode c) throws Exception {
        ObjectNode input = Json.MAPPER.createObjectNode();
        input.set("messages", c.get("messages"));
        if (!c.get("tools").isNull()) input.set("tools", c.get("tools"));
        input.set("add_generation_prompt", c.get("add_generation_prompt"));
        c.get("kwargs").properties().forEach(e -> input.set(e.getKey(), e.getValue()));
        Path file = tmp.resolve(c.get("name").asText() + ".json");
        Json.MAPPER.writeValue(file.toFile(), input);
        return file;
    }

    @Test
    void printsTheExpectedRenderExactly() throws Exception {
        String[][] cases = {
                {"qwen2.5", "tiny-qwen2", "parallel_tool_calls_final_answer"},
                {"qwen2.5", "tiny-qwen2", "unicode_content"},
                {"qwen3", "tiny-qwen3", "reasoning_content_after_tool_result"},
                {"qwen3", "tiny-qwen3", "enable_thinking_false"},
                {"llama3.2", "tiny-llama3", "explicit_date_tools_in_system"},
                {"hermes", "tiny-llama", "complex_parameter_types"},
        };
        for (String[] k : cases) {
            JsonNode c = fixtureCase(k[0], k[2]);
            Outcome r = tooltune("template", "--model", Shared.path("fixtures/llama/" + k[1]).toString(), "--input", inputFile(c).toString());
            assertEquals(0, r.exitCode(), r.stderr());
            assertArrayEquals(c.get("expected").asText().getBytes(StandardCharsets.UTF_8), r.stdout(), k[0] + "/" + k[2]);
        }
    }

    @Test
    void toolCallArgumentsAsOpenAiJsonStringsRenderAsObjects() throws Exception {
        JsonNode c = fixtureCase("qwen2.5", "tool_call_and_result").deepCopy();
        for (JsonNode m : c.get("messages")) {
            for (JsonNode call : m.path("tool_calls")) {
                ObjectNode f = (ObjectNode) call.get("function");
                f.put("arguments", f.get("arguments").toString());
            }
        }
        Outcome r = tooltune("template", "--model", Shared.path("fixtures/llama/tiny-qwen2").toString(), "--input", inputFile(c).toString());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(c.get("expected").asText(), new String(r.stdout(), StandardCharsets.UTF_8));
    }

    @Test
    void aTemplateThatRaisesExitsTwoWithItsOwnMessage() throws Exception {
        JsonNode c = fixtureCase("llama3.2", "parallel_tool_calls_final_answer");
        Outcome r = tooltune("template", "--model", Shared.path("fixtures/llama/tiny-llama3").toString(), "--input", inputFile(c).toString());
        assertEquals(2, r.exitCode());
        assertEquals(0, r.stdout().length);
        assertEquals("tooltune: " + c.get("expected_error").get("message").asText(), r.stderr().strip());
    }

    @Test
    void aModelWithoutTemplateExitsTwo() throws Exception {
        Path model = Shared.path("fixtures/opt/tiny-opt-prenorm");
        Outcome r = tooltune("template", "--model", model.toString(), "--input", inputFile(fixtureCase("qwen2.5", "user_only")).toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains(model.toString()) && r.stderr().contains("no chat template"), r.stderr());
    }

    @Test
    void malformedInputExitsTwoNamingFileAndProblem() throws Exception {
        String model = Shared.path("fixtures/llama/tiny-qwen2").toString();
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"messages\": [");
        Outcome r = tooltune("template", "--model", model, "--input", broken.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains(broken.toString()) && r.stderr().contains("not valid JSON"), r.stderr());

        Path noRole = tmp.resolve("no_role.json");
        Files.writeString(noRole, "{\"messages\": [{\"content\": \"hi\"}]}");
        r = tooltune("template", "--model", model, "--input", noRole.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains(noRole + ": messages[0]: \"role\" is missing"), r.stderr());

        Path missing = tmp.resolve("missing.json");
        r = tooltune("template", "--model", model, "--input", missing.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().contains(missing.toString()), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
    }
}
