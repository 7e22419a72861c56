package io.tooltune.data.synth;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.cli.Main;
import io.tooltune.data.FunctionSchemas;
import io.tooltune.data.ToolLlamaConverter;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.format.ApiEntry;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.Query;
import io.tooltune.data.format.RawAnswer;
import io.tooltune.data.format.TestGroup;
import io.tooltune.data.format.ToolJson;
import io.tooltune.data.format.ToolLlamaExample;
import io.tooltune.data.format.Turn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The synthetic files parse with the data layer's readers and convert into ToolLLaMA instances as real ones do. */
class SynthFormatsTest {
    @TempDir
    static Path tmp;
    static Path out;
    static SynthDataset ds;

    @BeforeAll
    static void generate() {
        ds = SyntheticToolBench.generate(new SynthOptions(11, 90, 8));
        out = tmp.resolve("synth");
        SynthWriter.write(ds, out);
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void queriesIdsAndToolsParseWithTheDataReaders() throws IOException {
        for (String g : TestGroup.NAMES) {
            List<Query> qs = DataFiles.readQueries(out.resolve("test_instruction/" + g + ".json"));
            assertEquals(8, qs.size());
            assertEquals(qs.stream().map(Query::id).toList(), DataFiles.readQueryIds(out.resolve("test_query_ids/" + g + ".json")));
            for (Query q : qs) {
                for (List<String> rel : q.relevantApis()) {
                    assertTrue(q.apiList().stream().anyMatch(a -> a.toolName().equals(rel.get(0)) && a.apiName().equals(rel.get(1))));
                }
            }
        }
        int tools = 0;
        for (Path p : files(out.resolve("toolenv/tools"))) {
            ToolJson t = DataFiles.readToolJson(p);
            assertEquals(ToolNames.standardize(t.toolName()) + ".json", p.getFileName().toString());
            assertEquals(t.standardizedName(), ToolNames.standardize(t.toolName()));
            assertFalse(t.apiList().isEmpty());
            tools++;
        }
        assertEquals(ds.catalog().tools().size(), tools);
    }

    @Test
    void rawAnswersConvertIntoOneInstancePerStepWithTheQueriesFunctionLists() throws IOException {
        Map<String, Query> queries = new HashMap<>();
        for (String lvl : List.of("G1", "G2", "G3")) {
            DataFiles.readQueries(out.resolve("instruction/" + lvl + "_query.json")).forEach(q -> queries.put(q.id(), q));
        }
        assertEquals(90, queries.size());
        int answers = 0, instances = 0, expected = 0;
        for (Path p : files(out.resolve("answer"))) {
            RawAnswer a = DataFiles.readRawAnswer(p);
            String qid = p.getFileName().toString().split("_")[0];
            Query q = queries.get(qid);
            assertNotNull(q, p.toString());
            assertTrue(a.validData());
            assertEquals("give_answer", a.finishType());
            // the function list is what ToolBench builds from the query (data-collection Finish)
            assertEquals(FunctionSchemas.forQuery(q, FunctionSchemas.FinishWording.DATA_COLLECTION), a.functions());
            List<ToolLlamaExample> ex = ToolLlamaConverter.fromRawAnswer(a);
            assertEquals(a.trainMessages().size(), ex.size());
            SynthGold gold = SynthGold.read(out.resolve("gold/train.json")).stream()
                    .filter(x -> x.queryId().equals(qid)).findFirst().orElseThrow();
            expected += gold.calls().size() + 1;
            List<Turn> last = ex.get(ex.size() - 1).conversations();
            assertEquals("system", last.get(0).from());
            assertTrue(last.get(0).value().contains("Specifically, you have access to the following APIs: [{'name': "));
            assertEquals(ToolLlamaPrompt.userMessage(q.query()), last.get(1).value());
            int call = 0;
            for (Turn t : last) {
                if (t.from().equals("assistant") && call < gold.calls().size()) {
                    SynthGold.Call c = gold.calls().get(call++);
                    assertEquals("\nThought: \nAction: " + c.function() + "\nAction Input: "
                            + SynthWriter.argumentsText(Json.MAPPER.convertValue(c.arguments(), Map.class)), t.value());
                }
            }
            assertEquals(gold.calls().size(), call);
            assertTrue(last.get(last.size() - 1).value().startsWith("\nThought: \nAction: Finish\nAction Input: {\n  \"return_type\": \"give_answer\""));
            for (String f : gold.facts()) {
                assertTrue(last.get(last.size() - 1).value().contains(f));
            }
            instances += ex.size();
            answers++;
        }
        assertEquals(90, answers);
        assertEquals(expected, instances);
    }

    @Test
    void prepareAcceptsTheAnswerFolder() throws IOException {
        Path conv = tmp.resolve("conv.json");
        assertEquals(0, Main.run("prepare", "--input", out.resolve("answer").toString(), "--format", "conversations",
                "--output", conv.toString(), "--strict"));
        int steps = 0;
        for (SynthGold g : SynthGold.read(out.resolve("gold/train.json"))) {
            steps += g.calls().size() + 1;
        }
        assertEquals(steps, DataFiles.readToolLlama(conv).size());

        Path sft = tmp.resolve("sft.jsonl");
        assertEquals(0, Main.run("prepare", "--input", out.resolve("answer").toString(), "--model",
                Shared.path("fixtures/opt/tokenizer").toString(), "--output", sft.toString(), "--strict"));
        List<String> lines = Files.readAllLines(sft);
        assertEquals(steps, lines.size());
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        assertEquals(first.get("input_ids").size(), first.get("labels").size());
        assertTrue(first.get("labels").toString().contains("-100"));
    }

    @Test
    void apiListEntriesCarryTemplateResponses() {
        for (Query q : DataFiles.readQueries(out.resolve("test_instruction/G2_category.json"))) {
            for (ApiEntry a : q.apiList()) {
                assertTrue(a.templateResponse().isObject(), a.apiName());
                assertFalse(a.templateResponse().isEmpty());
            }
        }
    }
}
