package io.tooltune.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tooltune.Json;
import io.tooltune.Shared;
import io.tooltune.data.FunctionSchemas.FinishWording;
import io.tooltune.data.format.DataFiles;
import io.tooltune.data.format.Parameter;
import io.tooltune.data.format.Query;
import io.tooltune.data.format.RawAnswer;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.python.PythonRepr;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FunctionSchemasTest {

    @Test
    void regeneratesTheFunctionListsOfTheSixStableToolBenchAnswers() throws IOException {
        Path stb = Shared.path("data/stabletoolbench");
        Map<String, Query> queries = DataFiles.readQueries(stb.resolve("solvable_queries_example/test_instruction/G1_instruction.json"))
                .stream().collect(Collectors.toMap(Query::id, q -> q));
        List<String> ids = DataFiles.readQueryIds(stb.resolve("solvable_queries_example/test_query_ids/G1_instruction.json"));
        assertEquals(List.of("588", "608", "1073"), ids);
        List<Path> answers;
        try (Stream<Path> s = Files.walk(stb.resolve("data_example/answer"))) {
            answers = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(6, answers.size());
        for (Path file : answers) {
            RawAnswer a = DataFiles.readRawAnswer(file);
            Query q = queries.get(file.getFileName().toString().split("_")[0]);
            ArrayNode regenerated = FunctionSchemas.forQuery(q, FinishWording.INFERENCE);
            // the repr is order-sensitive, so this checks key order as well as every value
            assertEquals(PythonRepr.repr(a.functions()), PythonRepr.repr(regenerated), file.toString());
            assertEquals(a.functions(), regenerated, file.toString());
        }
    }

    @Test
    void optionalParametersAppearOnlyWithRequiredOnes() {
        var opt = List.of(new Parameter("limit", "NUMBER", "max", Json.MAPPER.getNodeFactory().numberNode(5)));
        var none = FunctionSchemas.fromApi("List", "", List.of(), opt, "t");
        assertEquals("{'name': 'list_for_t', 'description': 'This is the subfunction for tool \"t\", you can use this tool.', "
                + "'parameters': {'type': 'object', 'properties': {}, 'required': [], 'optional': []}}", PythonRepr.repr(none));
        var req = List.of(new Parameter("From", "DATE (YYYY-MM-DD)", "d", Json.MAPPER.getNodeFactory().textNode("")));
        var both = FunctionSchemas.fromApi("2nd List", "Get the 2nd List.", req, opt, "t");
        assertEquals("{'name': 'get_2nd_list_for_t', 'description': 'This is the subfunction for tool \"t\", you can use this "
                + "tool.The description of this function is: \"Get the get_2nd_list_for_t.\"', 'parameters': {'type': 'object', "
                + "'properties': {'is_from': {'type': 'string', 'description': 'd'}, 'limit': {'type': 'integer', "
                + "'description': 'max', 'example_value': 5}}, 'required': ['is_from'], 'optional': ['limit']}}", PythonRepr.repr(both));
    }

    @Test
    void functionNamesKeepTheirLastSixtyFourCharacters() {
        String tool = "a_very_long_standardized_tool_name_that_goes_on_and_on";
        String name = ToolNames.functionName("Get Everything About It", tool);
        assertEquals(64, name.length());
        assertEquals(("get_everything_about_it_for_" + tool).substring(("get_everything_about_it_for_" + tool).length() - 64), name);
    }
}
