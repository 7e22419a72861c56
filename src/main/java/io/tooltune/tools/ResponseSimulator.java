package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** Makes up an API response on a cache miss: {@code {"error": "", "response": ...}}. */
public interface ResponseSimulator {
    /** {@code api} may be null when the API is not in the catalog; {@code examples} are cached responses. */
    ObjectNode simulate(ApiCatalog.ApiInfo api, List<ResponseCache.Entry> examples, JsonNode toolInput);

    /** Short name for the server log ("schema", "llm"). */
    String kind();
}
