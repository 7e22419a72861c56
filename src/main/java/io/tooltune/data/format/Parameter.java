package io.tooltune.data.format;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One API parameter of a query's api_list or a tool JSON: {@code {name,type,description,default}}.
 * {@code defaultValue} keeps the JSON value as given (string, number, null...).
 */
public record Parameter(String name, String type, String description, JsonNode defaultValue) {
    static Parameter of(JsonNode n, String where) {
        if (!n.isObject()) throw JsonFields.bad(where, "parameter is not an object");
        return new Parameter(JsonFields.str(n, "name", where), JsonFields.optStr(n, "type", ""),
                JsonFields.optStr(n, "description", ""), n.get("default"));
    }
}
