package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** One API of a tool JSON's {@code api_list} ({@code name}, not {@code api_name}, in this format). */
public record ToolApi(String name, String url, String description, String method, List<Parameter> requiredParameters,
                      List<Parameter> optionalParameters, ObjectNode json) {
    static ToolApi of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "api is not an object");
        return new ToolApi(JsonFields.str(n, "name", where), JsonFields.optStr(n, "url", ""), JsonFields.optStr(n, "description", ""),
                JsonFields.optStr(n, "method", ""),
                JsonFields.list(JsonFields.array(n, "required_parameters", where, false), where + ".required_parameters", Parameter::of),
                JsonFields.list(JsonFields.array(n, "optional_parameters", where, false), where + ".optional_parameters", Parameter::of),
                (ObjectNode) n);
    }
}
