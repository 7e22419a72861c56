package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One entry of a query's {@code api_list}. Minimal queries carry only category, tool and API names, so the
 * description and parameter lists may be absent ({@code apiDescription} null, {@code hasRequiredParameters}
 * false). {@code json} is the entry as read (unknown fields such as template_response kept).
 */
public record ApiEntry(String categoryName, String toolName, String apiName, String apiDescription,
                       List<Parameter> requiredParameters, List<Parameter> optionalParameters, String method,
                       ObjectNode json) {
    public static ApiEntry of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "api_list entry is not an object");
        return new ApiEntry(JsonFields.optStr(n, "category_name", ""), JsonFields.str(n, "tool_name", where),
                JsonFields.str(n, "api_name", where), JsonFields.optStr(n, "api_description", null),
                JsonFields.list(JsonFields.array(n, "required_parameters", where, false), where + ".required_parameters", Parameter::of),
                JsonFields.list(JsonFields.array(n, "optional_parameters", where, false), where + ".optional_parameters", Parameter::of),
                JsonFields.optStr(n, "method", ""), (ObjectNode) n);
    }

    public JsonNode templateResponse() {
        return json.get("template_response");
    }
}
