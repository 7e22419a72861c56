package io.tooltune.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.data.format.ApiEntry;
import io.tooltune.data.format.Parameter;
import io.tooltune.data.format.Query;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.python.PythonStr;

import java.util.List;
import java.util.Map;

/**
 * ToolBench's API → OpenAI function dict ({@code rapidapi_wrapper.api_json_to_openai_json}) and the Finish
 * function, key order and quirks included: optional parameters appear only when the API has required ones,
 * and the non-standard {@code "optional"} list.
 */
public final class FunctionSchemas {
    public static final int DESCRIPTION_MAX = 256;
    public static final String FINISH = "Finish";
    private static final Map<String, String> TYPES = Map.of("NUMBER", "integer", "STRING", "string", "BOOLEAN", "boolean");

    /** The two wordings of the Finish description: training-data collection and inference. */
    public enum FinishWording {
        DATA_COLLECTION("If you think you get the result which can answer the task, call this function to give the final answer. Or, if you think you can't handle the task from this status, call this function to restart. Remember: you should ALWAYS call this function at the end of your try, and the final answer is the ONLY part that will be showed to user, so final answer should contain enough information."),
        INFERENCE("If you believe that you have obtained a result that can answer the task, please call this function to provide the final answer. Alternatively, if you recognize that you are unable to proceed with the task in the current state, call this function to restart. Remember: you must ALWAYS call this function at the end of your attempt, and the only part that will be shown to the user is the final answer, so it should contain sufficient information.");

        public final String description;

        FinishWording(String description) {
            this.description = description;
        }
    }

    private FunctionSchemas() {}

    /** ToolBench's parameter type mapping: NUMBER→integer, STRING→string, BOOLEAN→boolean, anything else→string. */
    public static String mapType(String type) {
        return TYPES.getOrDefault(type, "string");
    }

    /** One api_list entry as a function dict, for the tool whose standard name is given. */
    public static ObjectNode fromApi(ApiEntry api, String standardToolName) {
        return fromApi(api.apiName(), api.apiDescription() == null ? "" : api.apiDescription(),
                api.requiredParameters(), api.optionalParameters(), standardToolName);
    }

    public static ObjectNode fromApi(String apiName, String apiDescription, List<Parameter> required,
                                     List<Parameter> optional, String standardToolName) {
        String name = ToolNames.functionName(apiName, standardToolName);
        String description = "This is the subfunction for tool \"" + standardToolName + "\", you can use this tool.";
        String stripped = PythonStr.strip(apiDescription);
        if (!stripped.isEmpty()) {
            description += "The description of this function is: \""
                    + PythonStr.head(stripped.replace(apiName, name), DESCRIPTION_MAX) + "\"";
        }
        ObjectNode f = Json.MAPPER.createObjectNode().put("name", name).put("description", description);
        ObjectNode params = f.putObject("parameters").put("type", "object");
        ObjectNode props = params.putObject("properties");
        ArrayNode req = params.putArray("required");
        ArrayNode opt = params.putArray("optional");
        // ToolBench nests the optional loop inside "if required_parameters": no required → no parameters at all.
        if (!required.isEmpty()) {
            for (Parameter p : required) req.add(addProperty(props, p));
            for (Parameter p : optional) opt.add(addProperty(props, p));
        }
        return f;
    }

    private static String addProperty(ObjectNode props, Parameter p) {
        String pname = ToolNames.changeName(ToolNames.standardize(p.name()));
        ObjectNode prop = Json.MAPPER.createObjectNode().put("type", mapType(p.type()))
                .put("description", PythonStr.head(p.description(), DESCRIPTION_MAX));
        // Python: len(str(default)) != 0 — only an empty string (or a missing key) leaves example_value out.
        JsonNode d = p.defaultValue();
        if (d != null && !(d.isTextual() && d.textValue().isEmpty())) prop.set("example_value", d);
        props.set(pname, prop);
        return pname;
    }

    public static ObjectNode finish(FinishWording wording) {
        ObjectNode f = Json.MAPPER.createObjectNode().put("name", FINISH).put("description", wording.description);
        ObjectNode params = f.putObject("parameters").put("type", "object");
        ObjectNode props = params.putObject("properties");
        ObjectNode rt = props.putObject("return_type").put("type", "string");
        rt.putArray("enum").add("give_answer").add("give_up_and_restart");
        props.putObject("final_answer").put("type", "string")
                .put("description", "The final answer you want to give the user. You should have this field if \"return_type\"==\"give_answer\"");
        params.putArray("required").add("return_type");
        return f;
    }

    /** The function list a query gives the model: its APIs in api_list order, then Finish. */
    public static ArrayNode forQuery(Query query, FinishWording wording) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (ApiEntry api : query.apiList()) out.add(fromApi(api, ToolNames.standardize(api.toolName())));
        out.add(finish(wording));
        return out;
    }
}
