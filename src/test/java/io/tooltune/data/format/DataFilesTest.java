package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;
import io.tooltune.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataFilesTest {
    @TempDir
    Path tmp;

    @Test
    void queriesRoundTripWithEveryField() throws Exception {
        Path src = Shared.path("data/toolbench/instruction/G1_query.json");
        List<Query> qs = DataFiles.readQueries(src);
        assertTrue(qs.size() > 0);
        Query q = qs.get(0);
        assertTrue(q.apiList().size() > 0 && !q.relevantApis().isEmpty());
        Path out = tmp.resolve("q.json");
        DataFiles.writeQueries(out, qs);
        assertEquals(Json.MAPPER.readTree(src.toFile()), Json.MAPPER.readTree(out.toFile()));
        List<Query> demo = DataFiles.readQueries(Shared.path("data/toolbench/instruction/inference_query_demo.json"));
        assertTrue(demo.get(0).apiList().get(0).apiDescription() == null); // minimal api_list entries
    }

    @Test
    void rawAndConvertedAnswersRoundTrip() throws Exception {
        Path raw = Shared.path("data/stabletoolbench/data_example/answer/virtual_chatgpt_cot/G1_instruction/588_CoT@1.json");
        RawAnswer a = DataFiles.readRawAnswer(raw);
        assertTrue(a.trys().isArray() && a.tree() == null && !a.validData());
        DataFiles.writeRawAnswer(tmp.resolve("a.json"), a);
        assertEquals(Json.MAPPER.readTree(raw.toFile()), Json.MAPPER.readTree(tmp.resolve("a.json").toFile()));

        Path conv = Shared.path("data/toolbench/tooleval_default_evalset/gpt-3.5-turbo_CoT/G2_category.json");
        List<ConvertedAnswer> cs = DataFiles.readConvertedAnswers(conv);
        assertEquals(100, cs.size());
        for (ConvertedAnswer c : cs) assertEquals(c.totalSteps(), c.path().size(), c.queryId());
        DataFiles.writeConvertedAnswers(tmp.resolve("c.json"), cs);
        assertEquals(Json.MAPPER.readTree(conv.toFile()), Json.MAPPER.readTree(tmp.resolve("c.json").toFile()));
        ConvertedAnswer first = cs.get(0);
        JsonNode rebuilt = ConvertedAnswer.toJson(first.query(), first.availableTools(), first.method(), first.totalSteps(),
                first.finalAnswer(), first.answerDetails());
        assertEquals(first.json(), rebuilt);
    }

    @Test
    void toolLlamaFilesStreamAsArrayOrLines() {
        List<ToolLlamaExample> ex = DataFiles.readToolLlama(Shared.path("data/toolbench/expected_toolllama_instances.json"));
        DataFiles.writeToolLlama(tmp.resolve("t.jsonl"), ex);
        DataFiles.writeToolLlama(tmp.resolve("t.json"), ex);
        assertEquals(ex, DataFiles.readToolLlama(tmp.resolve("t.jsonl")));
        assertEquals(ex, DataFiles.readToolLlama(tmp.resolve("t.json")));
        assertEquals("10_ChatGPT_DFS_woFilter_w2.json", DataFiles.readToolLlama(tmp.resolve("t.json")).get(0).extra().get("source").asText());
    }

    @Test
    void queryIdsAndToolJsons() throws Exception {
        DataFiles.writeQueryIds(tmp.resolve("ids.json"), List.of("588", "608"));
        assertEquals(List.of("588", "608"), DataFiles.readQueryIds(tmp.resolve("ids.json")));
        Path tool = tmp.resolve("Data/theclique.json");
        Files.createDirectories(tool.getParent());
        Files.writeString(tool, """
                {"tool_name": "TheClique", "tool_description": "Fan data", "title": "TheClique", "pricing": "FREEMIUM",
                 "home_url": "https://rapidapi.com/x", "host": "theclique.p.rapidapi.com",
                 "api_list": [{"name": "Transfermarkt search", "url": "https://theclique.p.rapidapi.com/search/messi",
                   "description": "Search by name", "method": "GET",
                   "required_parameters": [{"name": "name", "type": "STRING", "description": "", "default": "messi"}],
                   "optional_parameters": [], "code": "", "statuscode": 200, "schema": {}}]}""");
        ToolJson t = DataFiles.readToolJson(tool);
        assertEquals("theclique", t.standardizedName());
        assertEquals("Transfermarkt search", t.api("transfermarkt_search").name());
        DataFiles.writeToolJson(tmp.resolve("copy.json"), t);
        assertEquals(Json.MAPPER.readTree(tool.toFile()), Json.MAPPER.readTree(tmp.resolve("copy.json").toFile()));
    }

    @Test
    void badRecordsInAnArrayAreReportedWithTheirIndex() throws Exception {
        Path f = tmp.resolve("q.json");
        Files.writeString(f, "[{\"query\":\"a\",\"query_id\":1,\"api_list\":[]}, {\"query\":7}, {\"query\":\"c\",\"api_list\":{}}, {\"query\":\"d\"}]");
        List<Query> got = new ArrayList<>();
        RecordLog log = new RecordLog(false, null);
        DataFiles.readQueries(f, log, got::add);
        assertEquals(2, got.size());
        assertEquals("read 4, written 0, skipped 2", log.summary());
        BadInputException e = assertThrows(BadInputException.class, () -> DataFiles.readQueries(f));
        assertEquals(f + " record 1: field \"query\" is NUMBER, not a string", e.getMessage());
        Files.writeString(f, "[{\"query\":\"a\"}, {\"query\": ");
        RecordLog log2 = new RecordLog(false, null);
        DataFiles.readQueries(f, log2, q -> {});
        assertEquals("read 2, written 0, skipped 1", log2.summary());
    }
}
