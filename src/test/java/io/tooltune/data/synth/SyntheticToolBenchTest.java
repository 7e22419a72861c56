package io.tooltune.data.synth;

import io.tooltune.data.python.PythonRepr;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.format.TestGroup;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticToolBenchTest {
    static final SynthOptions SMALL = new SynthOptions(7, 120, 20);
    @TempDir
    static Path tmp;
    static Path out;
    static SynthDataset ds;

    @BeforeAll
    static void generate() {
        ds = SyntheticToolBench.generate(SMALL);
        out = tmp.resolve("a");
        SynthWriter.write(ds, out);
    }

    static JsonNode read(Path p) throws IOException {
        return Json.MAPPER.readTree(p.toFile());
    }

    static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void sameSeedGivesByteIdenticalOutputAndOtherSeedsDiffer() throws IOException {
        Path b = tmp.resolve("b");
        SynthWriter.write(SyntheticToolBench.generate(SMALL), b);
        Map<String, byte[]> ta = tree(out), tb = tree(b);
        assertEquals(ta.keySet(), tb.keySet());
        ta.forEach((k, v) -> assertArrayEquals(v, tb.get(k), k));

        Path c = tmp.resolve("c");
        SynthWriter.write(SyntheticToolBench.generate(new SynthOptions(8, 120, 20)), c);
        assertNotEquals(new String(ta.get("test_instruction/G1_instruction.json")),
                new String(Files.readAllBytes(c.resolve("test_instruction/G1_instruction.json"))));
    }

    @Test
    void heldOutGroupsUseToolsAndCategoriesAbsentFromTraining() throws IOException {
        Set<String> trainTools = new HashSet<>(), trainCats = new HashSet<>(), trainEntities = new HashSet<>();
        for (String lvl : List.of("G1", "G2", "G3")) {
            for (JsonNode q : read(out.resolve("instruction/" + lvl + "_query.json"))) {
                for (JsonNode a : q.get("api_list")) {
                    trainTools.add(a.get("tool_name").asText());
                    trainCats.add(a.get("category_name").asText());
                }
            }
        }
        for (SynthTool t : ds.catalog().tools()) {
            if (trainTools.contains(t.name())) {
                trainEntities.add(t.domain().entity());
            }
        }
        Map<String, SynthTool> byName = new HashMap<>();
        ds.catalog().tools().forEach(t -> byName.put(t.name(), t));
        for (String g : TestGroup.NAMES) {
            JsonNode qs = read(out.resolve("test_instruction/" + g + ".json"));
            assertEquals(20, qs.size());
            for (JsonNode q : qs) {
                for (JsonNode a : q.get("api_list")) {
                    String tool = a.get("tool_name").asText(), cat = a.get("category_name").asText();
                    switch (g) {
                        case "G1_category", "G2_category" -> {
                            assertFalse(trainCats.contains(cat), g + " category " + cat + " seen in training");
                            assertFalse(trainEntities.contains(byName.get(tool).domain().entity()));
                        }
                        case "G1_tool" -> {
                            assertFalse(trainTools.contains(tool), g + " tool " + tool + " seen in training");
                            assertTrue(trainCats.contains(cat));
                            // its key parameter name is used by no training tool of the same domain
                            SynthTool held = byName.get(tool);
                            for (SynthTool t : ds.catalog().tools()) {
                                if (trainTools.contains(t.name()) && t.domain() == held.domain()) {
                                    assertNotEquals(keyParam(held), keyParam(t));
                                }
                            }
                        }
                        default -> assertTrue(trainTools.contains(tool), g + " uses unseen tool " + tool);
                    }
                }
            }
        }
    }

    @Test
    void heldOutFunctionNamesNeverOccurInTrainingAnswers() throws IOException {
        StringBuilder training = new StringBuilder();
        try (Stream<Path> s = Files.walk(out.resolve("answer"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                training.append(Files.readString(p));
            }
        }
        for (String g : List.of("G1_category", "G1_tool", "G2_category")) {
            for (SynthGold sg : SynthGold.read(out.resolve("gold/" + g + ".json"))) {
                for (SynthGold.Call c : sg.calls()) {
                    assertFalse(training.toString().contains("\"" + c.function() + "\""), g + ": " + c.function());
                }
            }
        }
    }

    private static String keyParam(SynthTool t) {
        return t.apis().stream().filter(a -> a.kind() == SynthApi.Kind.LOOKUP).findFirst().orElseThrow().keyParam();
    }

    @Test
    void queriesDoNotRepeatAcrossSplitsAndParaphrase() {
        Set<String> texts = new HashSet<>();
        List<SynthQuery> all = new ArrayList<>(ds.train());
        ds.test().values().forEach(all::addAll);
        for (SynthQuery q : all) {
            assertTrue(texts.add(q.query()), "repeated query " + q.query());
        }
        // several phrasings: queries about one attribute start in many different ways
        Set<String> openings = new HashSet<>();
        for (SynthQuery q : all) {
            openings.add(q.query().split(" ")[0] + " " + q.query().split(" ")[1]);
        }
        assertTrue(openings.size() > 20, "too few phrasings: " + openings);
    }

    @Test
    void everyGoldCallNamesAnOfferedApiWithItsRequiredParametersAndFactsComeFromResponses() throws IOException {
        for (String g : TestGroup.NAMES) {
            JsonNode qs = read(out.resolve("test_instruction/" + g + ".json"));
            Map<String, SynthGold> gold = new HashMap<>();
            SynthGold.read(out.resolve("gold/" + g + ".json")).forEach(x -> gold.put(x.queryId(), x));
            JsonNode ids = read(out.resolve("test_query_ids/" + g + ".json"));
            assertEquals(qs.size(), ids.size());
            for (JsonNode q : qs) {
                String qid = q.get("query_id").asText();
                assertTrue(ids.has(qid));
                SynthGold sg = gold.get(qid);
                assertFalse(sg.calls().isEmpty());
                StringBuilder responses = new StringBuilder();
                for (SynthGold.Call c : sg.calls()) {
                    JsonNode api = null;
                    for (JsonNode a : q.get("api_list")) {
                        if (a.get("tool_name").asText().equals(c.toolName())
                                && a.get("api_name").asText().equals(c.apiName())) {
                            api = a;
                        }
                    }
                    assertNotNull(api, qid + ": gold call " + c.apiName() + " not in api_list");
                    Set<String> required = new HashSet<>();
                    api.get("required_parameters").forEach(p -> required.add(ToolNames.pureApiName(p.get("name").asText())));
                    Set<String> given = new HashSet<>();
                    c.arguments().fieldNames().forEachRemaining(given::add);
                    assertEquals(required, given, qid + ": arguments of " + c.function());
                    c.arguments().forEach(v -> assertFalse(v.asText().isEmpty()));
                    assertEquals("", c.response().get("error").asText());
                    assertFalse(c.response().get("response").has("message"), qid + ": call fails: " + c.response());
                    assertEquals(ToolNames.functionName(c.apiName(), ToolNames.standardize(c.toolName())), c.function());
                    responses.append(c.response());
                }
                boolean relevant = false;
                for (JsonNode r : q.get("relevant APIs")) {
                    relevant |= r.get(1).asText().equals(sg.calls().get(0).apiName());
                }
                assertTrue(relevant);
                for (String f : sg.facts()) {
                    assertTrue(responses.toString().contains(f), qid + ": fact " + f + " not in responses");
                    assertTrue(sg.finalAnswer().contains(f));
                }
            }
        }
    }

    @Test
    void responseCacheAnswersEveryGoldCallUnderStableToolBenchLayout() throws IOException {
        for (String g : TestGroup.NAMES) {
            for (SynthGold sg : SynthGold.read(out.resolve("gold/" + g + ".json"))) {
                for (SynthGold.Call c : sg.calls()) {
                    Path file = out.resolve("tool_response_cache").resolve(c.category())
                            .resolve(ToolNames.standardize(c.toolName()) + "_for_" + c.category())
                            .resolve(ToolNames.pureApiName(c.apiName()) + ".json");
                    JsonNode cache = read(file);
                    Map<String, Object> args = Json.MAPPER.convertValue(c.arguments(), Map.class);
                    JsonNode hit = cache.get(PythonRepr.repr(Json.MAPPER.valueToTree(args)));
                    assertNotNull(hit, file + " lacks " + PythonRepr.repr(Json.MAPPER.valueToTree(args)));
                    assertEquals(c.response(), hit);
                    assertEquals(hit.toString(), ds.respond(c.toolName(), c.apiName(), args).orElseThrow().toString());
                }
            }
        }
    }

    @Test
    void uncachedCallsAreAnsweredDeterministically() {
        SynthTool t = ds.catalog().tools().get(3);
        SynthApi lookup = t.apis().stream().filter(a -> a.kind() == SynthApi.Kind.LOOKUP).findFirst().orElseThrow();
        Map<String, Object> args = Map.of(ToolNames.pureApiName(lookup.keyParam()), "Somewhere Unlisted");
        JsonNode r = ds.respond(t.name(), lookup.name(), args).orElseThrow();
        assertEquals("Somewhere Unlisted", r.get("response").get(lookup.keyParam()).asText());
        assertEquals(r, SyntheticToolBench.generate(SMALL).respond(t.name(), lookup.name(), args).orElseThrow());
        assertTrue(ds.respond(t.name(), "no such api", args).isEmpty());
    }

    @Test
    void filesHaveTheRealToolBenchLayout() throws IOException {
        JsonNode real = read(Shared.path("data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json"));
        JsonNode ours = read(out.resolve("test_instruction/G1_instruction.json"));
        assertEquals(names(real.get(0)), names(ours.get(0)));
        assertEquals(names(real.get(0).get("api_list").get(0)), names(ours.get(0).get("api_list").get(0)));
        assertEquals(names(real.get(0).get("api_list").get(0).get("required_parameters").get(0)),
                names(ours.get(0).get("api_list").get(0).get("required_parameters").get(0)));

        JsonNode realAnswer = read(Shared.path("data/toolbench/answer/G1_answer/10_ChatGPT_DFS_woFilter_w2.json"));
        Path answerFile;
        try (Stream<Path> s = Files.list(out.resolve("answer/G1_answer"))) {
            answerFile = s.sorted().findFirst().orElseThrow();
        }
        assertTrue(answerFile.getFileName().toString().endsWith("_ChatGPT_DFS_woFilter_w2.json"));
        JsonNode answer = read(answerFile);
        assertEquals(names(realAnswer), names(answer));
        assertEquals(names(realAnswer.get("answer_generation")), names(answer.get("answer_generation")));
        assertEquals(realAnswer.get("forward_args"), answer.get("forward_args"));
        JsonNode realMsgs = realAnswer.get("answer_generation").get("train_messages");
        JsonNode msgs = answer.get("answer_generation").get("train_messages");
        String realSystem = realMsgs.get(0).get(0).get("content").asText();
        String system = msgs.get(0).get(0).get("content").asText();
        String head = realSystem.substring(0, realSystem.indexOf("1.transitaires"));
        assertTrue(system.startsWith(head));
        // Finish of the data-collection wording, byte for byte
        JsonNode realFns = realAnswer.get("answer_generation").get("function");
        JsonNode fns = answer.get("answer_generation").get("function");
        assertEquals(realFns.get(realFns.size() - 1), fns.get(fns.size() - 1));
        // one message list per assistant step, each a prefix of the last, ending in Finish
        JsonNode last = msgs.get(msgs.size() - 1);
        assertEquals("Finish", last.get(last.size() - 1).get("function_call").get("name").asText());
        assertEquals(answer.get("answer_generation").get("final_answer").asText(),
                last.get(last.size() - 1).get("function_call").get("arguments").asText());
        for (JsonNode m : msgs) {
            assertEquals("assistant", m.get(m.size() - 1).get("role").asText());
            for (int i = 0; i < m.size(); i++) {
                assertEquals(m.get(i), last.get(i));
            }
        }
        JsonNode fn = msgs.get(0).get(2);
        assertEquals(names(realMsgs.get(0).get(2)), names(fn));
        assertTrue(last.get(3).get("content").asText().startsWith("{\"error\": \"\", \"response\": {"));
        // a tool JSON per tool, with the RapidAPI fields the spec lists
        SynthTool t = ds.catalog().tools().get(0);
        JsonNode tool = read(out.resolve("toolenv/tools/" + t.category() + "/" + ToolNames.standardize(t.name()) + ".json"));
        for (String k : List.of("tool_name", "tool_description", "title", "host", "api_list", "standardized_name")) {
            assertTrue(tool.has(k), k);
        }
        for (String k : List.of("name", "url", "description", "method", "required_parameters", "optional_parameters",
                "code", "test_endpoint", "statuscode", "schema")) {
            assertTrue(tool.get("api_list").get(0).has(k), k);
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> n = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            n.add(it.next());
        }
        return n;
    }

    @Test
    void aSmallerCatalogKeepsEveryGroupAndConcentratesTraining() {
        SynthDataset small = SyntheticToolBench.generate(new SynthOptions(7, 300, 4, 6));
        Catalog c = small.catalog();
        assertEquals(6, c.categories().size());
        assertEquals(3, c.heldOutCategories().size());
        assertTrue(c.tools().stream().allMatch(t -> c.categories().contains(t.category())));
        Set<String> trainTools = new HashSet<>();
        small.train().forEach(q -> q.apiList().forEach(r -> trainTools.add(r.tool().name())));
        assertTrue(trainTools.stream().allMatch(n -> c.seenTools().stream().anyMatch(t -> t.name().equals(n))));
        assertTrue(trainTools.size() < ds.catalog().seenTools().size(), "fewer tools share the training queries");
        for (String g : TestGroup.NAMES) assertEquals(4, small.test().get(g).size(), g);
        small.test().get("G1_category").forEach(q -> q.apiList().forEach(
                r -> assertTrue(c.heldOutCategories().contains(r.tool().category()))));
        assertEquals(SyntheticToolBench.generate(new SynthOptions(7, 300, 4, 6)).train().get(5).query(),
                small.train().get(5).query());
    }

    @Test
    void badInputIsReportedAsBadInput() throws IOException {
        assertThrows(BadInputException.class, () -> new SynthOptions(1, 5, 5, 4));
        assertThrows(BadInputException.class, () -> new SynthOptions(1, -1, 5));
        assertThrows(BadInputException.class, () -> new SynthOptions(1, 5, -2));
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "x");
        assertThrows(BadInputException.class, () -> SynthWriter.write(ds, file.resolve("sub")));
        assertEquals(2, Main.run("synth", "--output", file.resolve("sub").toString(), "--train-queries", "1"));
        assertEquals(2, Main.run("synth", "--output", tmp.resolve("x").toString(), "--train-queries", "many"));
        assertEquals(2, Main.run("synth"));
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign.resolve("answer"));
        Files.writeString(foreign.resolve("answer/keep.json"), "{}");
        assertThrows(BadInputException.class, () -> SynthWriter.write(ds, foreign));
        assertTrue(Files.exists(foreign.resolve("answer/keep.json")));
    }

    @Test
    void rewritingAnEarlierOutputLeavesNoStaleFiles() throws IOException {
        Path dir = tmp.resolve("rewrite");
        SynthWriter.write(ds, dir);
        SynthWriter.write(SyntheticToolBench.generate(new SynthOptions(7, 10, 2)), dir);
        try (Stream<Path> s = Files.list(dir.resolve("answer/G1_answer"))) {
            assertTrue(s.count() < 10);
        }
        assertEquals(2, read(dir.resolve("test_query_ids/G1_tool.json")).size());
    }

    @Test
    void cliWritesTheDataset() {
        assertEquals(0, Main.run("synth", "--output", tmp.resolve("cli").toString()));
        assertTrue(Files.isRegularFile(tmp.resolve("cli/test_instruction/G3_instruction.json")));
    }
}
