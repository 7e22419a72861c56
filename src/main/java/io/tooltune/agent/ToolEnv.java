package io.tooltune.agent;

import io.tooltune.data.python.PythonJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tooltune.Json;
import io.tooltune.data.FunctionSchemas;
import io.tooltune.data.ReactParser;
import io.tooltune.data.ToolLlamaPrompt;
import io.tooltune.data.format.ToolNames;
import io.tooltune.data.format.ApiEntry;
import io.tooltune.data.format.Query;
import io.tooltune.tools.HttpToolExecutor;
import io.tooltune.tools.ToolExecutor;
import io.tooltune.tools.ToolRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * ToolBench's {@code rapidapi_wrapper} for one query: the function list, the task description, and
 * {@code step(name, arguments)} returning the observation and its status code (0-12). Observations longer than
 * 1024 characters are cut and get "...".
 */
public final class ToolEnv {
    public static final int MAX_OBSERVATION = 1024;
    public static final String HALLUCINATED = "invalid_hallucination_function_name";

    public record Observation(String text, int code) {}

    private record Target(String category, String standardTool, String pureApi) {}

    private final ArrayNode functions;
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final String taskDescription;
    private final ToolExecutor executor;
    private final String toolbenchKey;
    private final AtomicInteger apiCalls;

    /** {@code toolDescriptions} maps an original tool name to its description (null when unknown: "None"). */
    public ToolEnv(Query query, Function<String, String> toolDescriptions, ToolExecutor executor, String toolbenchKey,
                   AtomicInteger apiCalls) {
        this.functions = FunctionSchemas.forQuery(query, FunctionSchemas.FinishWording.INFERENCE);
        List<Map.Entry<String, String>> tools = new ArrayList<>();
        for (ApiEntry a : query.apiList()) {
            String tool = ToolNames.standardize(a.toolName());
            targets.putIfAbsent(ToolNames.functionName(a.apiName(), tool),
                    new Target(a.categoryName(), tool, ToolNames.pureApiName(a.apiName())));
            tools.add(Map.entry(tool, nz(toolDescriptions.apply(a.toolName()))));
        }
        this.taskDescription = ToolLlamaPrompt.taskDescription(tools);
        this.executor = executor;
        this.toolbenchKey = toolbenchKey;
        this.apiCalls = apiCalls;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    public ArrayNode functions() {
        return functions;
    }

    public String taskDescription() {
        return taskDescription;
    }

    /** One call; the status code tells Finish's outcome (3 answered, 4 gave up), so the env keeps no state. */
    public Observation step(String name, String arguments) {
        Observation o = rawStep(name, arguments);
        String t = o.text().length() > MAX_OBSERVATION ? o.text().substring(0, MAX_OBSERVATION) + "..." : o.text();
        return new Observation(t, o.code());
    }

    private Observation rawStep(String name, String arguments) {
        if (name.equals("Finish")) return finish(arguments);
        for (Map.Entry<String, Target> f : targets.entrySet()) {
            if (!f.getKey().endsWith(name)) continue;
            Target t = f.getValue();
            apiCalls.incrementAndGet();
            String body;
            try {
                body = executor.execute(new ToolRequest(t.category(), t.standardTool(), t.pureApi(),
                        Json.MAPPER.getNodeFactory().textNode(arguments), "truncate", toolbenchKey));
            } catch (HttpToolExecutor.HttpStatusException e) {
                return error("request invalid, data error. status_code=" + e.status, 12);
            } catch (IOException | RuntimeException e) {
                return error("Timeout error..." + e.getMessage(), 5);
            }
            JsonNode response;
            try {
                response = Json.MAPPER.readTree(body);
            } catch (IOException e) {
                response = null;
            }
            if (response == null || !response.isObject()) return error("request invalid, data error", 12);
            String err = response.path("error").asText("");
            int code = switch (err) {
                case "API not working error..." -> 6;
                case "Unauthorized error..." -> 7;
                case "Unsubscribed error..." -> 8;
                case "Too many requests error..." -> 9;
                case "Rate limit per minute error..." -> 10;
                case "Message error..." -> 11;
                default -> 0;
            };
            return new Observation(PythonJson.dumps(response), code);
        }
        return error("No such function name: " + name, 1);
    }

    private static Observation error(String message, int code) {
        return new Observation(PythonJson.dumps(Json.MAPPER.createObjectNode().put("error", message).put("response", "")), code);
    }

    /** ToolBench's Finish handling, including its salvage of arguments that are not valid JSON. */
    private Observation finish(String input) {
        String returnType = null, finalAnswer = null;
        JsonNode parsed = null;
        try {
            parsed = Json.MAPPER.readTree(input);
        } catch (IOException ignored) {
            // salvaged below, as ToolBench does
        }
        if (parsed != null && parsed.isObject()) {
            if (parsed.has("return_type")) returnType = parsed.get("return_type").isTextual() ? parsed.get("return_type").textValue() : parsed.get("return_type").toString();
            if (parsed.has("final_answer")) finalAnswer = parsed.get("final_answer").asText();
        } else if (parsed == null || !parsed.isValueNode()) {
            String rt = "\"return_type\": \"";
            if (input.contains(rt)) {
                if (input.contains(rt + "give_answer\"")) returnType = "give_answer";
                else if (input.contains(rt + "give_up_and_restart\"")) returnType = "give_up_and_restart";
                else returnType = ReactParser.slice(input, input.indexOf(rt) + rt.length(), input.indexOf("\","));
            }
            String fa = "\"final_answer\": \"";
            if (input.contains(fa)) finalAnswer = input.substring(input.indexOf(fa) + fa.length());
        }
        if (returnType == null) return new Observation("{error:\"must have \"return_type\"\"}", 2);
        if (returnType.equals("give_up_and_restart")) return new Observation("{\"response\":\"chose to give up and restart\"}", 4);
        if (returnType.equals("give_answer")) {
            if (finalAnswer == null) return new Observation("{error:\"must have \"final_answer\"\"}", 2);
            return new Observation("{\"response\":\"successfully giving the final answer.\"}", 3);
        }
        return new Observation("{error:\"\"return_type\" is not a valid choice\"}", 2);
    }
}
