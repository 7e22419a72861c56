package io.tooltune.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.format.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Query ids become answer file names, so an id that could leave the output folder is refused when read. */
class QueryIdsTest {

    @Test
    void idsThatAreNotSafeFileNamesAreSkippedAndReported(@TempDir Path tmp) throws Exception {
        ArrayNode queries = (ArrayNode) Json.MAPPER.readTree(
                Shared.path("data/stabletoolbench/solvable_queries_example/test_instruction/G1_instruction.json").toFile());
        ObjectNode good = (ObjectNode) queries.get(0).deepCopy();
        ArrayNode file = Json.MAPPER.createArrayNode();
        for (String id : List.of("../ESCAPED", "/etc/passwd", "a/b", "..", "12345")) {
            file.add(good.deepCopy().put("query_id", id));
        }
        Path f = tmp.resolve("queries.json");
        Json.MAPPER.writeValue(f.toFile(), file);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Query> read = AgentRun.readQueries(f, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(List.of("12345"), read.stream().map(Query::id).toList());
        String log = err.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("'../ESCAPED' cannot be used as a file name"), log);
        assertTrue(Files.notExists(tmp.resolveSibling("ESCAPED")));
    }
}
