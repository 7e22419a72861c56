package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.BadInputException;
import io.tooltune.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** A JSON file of query ids: a list of ids, or an object whose keys are the ids (StableToolBench's test_query_ids). */
public final class QueryIds {
    private QueryIds() {}

    public static Set<String> read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + ": not a readable query-id file, " + AnswerSet.jsonProblem(e));
        }
        Set<String> ids = new LinkedHashSet<>();
        if (root != null && root.isObject()) root.fieldNames().forEachRemaining(ids::add);
        else if (root != null && root.isArray()) root.forEach(n -> ids.add(n.asText()));
        else throw new BadInputException(file + ": expected a JSON list of query ids or an object keyed by them");
        return ids;
    }
}
