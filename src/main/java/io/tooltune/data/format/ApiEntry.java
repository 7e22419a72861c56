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
        if (!n.isObject()) throw Fields.bad(where, "api_list entry is not an object");
        return new ApiEntry(Fields.optStr(n, "category_name", ""), Fields.str(n, "tool_name", where),
                Fields.str(n, "api_name", where), Fields.optStr(n, "api_description", null),
                Fields.list(Fields.array(n, "required_parameters", where, false), where + ".required_parameters", Parameter::of),
                Fields.list(Fields.array(n, "optional_parameters", where, false), where + ".optional_parameters", Parameter::of),
                Fields.optStr(n, "method", ""), (ObjectNode) n);
    }

    public JsonNode templateResponse() {
        return json.get("template_response");
    }
}
