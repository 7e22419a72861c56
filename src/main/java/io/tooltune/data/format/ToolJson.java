package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.data.format.ToolNames;

import java.util.List;

/**
 * A tool definition {@code toolenv/tools/<Category>/<standard_tool_name>.json}: original tool_name, description
 * and its APIs. {@code json} keeps the rest (title, pricing, score, home_url, host, ...).
 */
public record ToolJson(String toolName, String toolDescription, String standardizedName, List<ToolApi> apiList,
                       ObjectNode json) {
    public static ToolJson of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "tool JSON is not an object");
        String name = JsonFields.str(n, "tool_name", where);
        return new ToolJson(name, JsonFields.optStr(n, "tool_description", ""),
                JsonFields.optStr(n, "standardized_name", ToolNames.standardize(name)),
                JsonFields.list(JsonFields.array(n, "api_list", where, true), where + ".api_list", ToolApi::of), (ObjectNode) n);
    }

    /** The api_list entry whose standardized name matches, as ToolBench's fetch_api_json looks it up. */
    public ToolApi api(String apiName) {
        String pure = ToolNames.pureApiName(apiName);
        for (ToolApi a : apiList) if (ToolNames.pureApiName(a.name()).equals(pure)) return a;
        return null;
    }
}
