package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.OpenAiClient;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * ToolEval's LLM judge on any OpenAI-compatible chat completions endpoint: one user message (the template), the one
 * function as a tool with a forced tool choice, temperature 0.2, max_tokens 1000; the function arguments of the
 * reply are the verdict. Through {@link OpenAiClient}: transport errors, 429/5xx and unparseable replies are retried
 * with exponential backoff, {@code attempts} tries in all.
 */
public final class OpenAiJudge implements Judge {
    public record Config(String baseUrl, String model, String apiKey, double temperature, int maxTokens,
                         Duration timeout, int attempts, Duration firstBackoff, boolean legacyFunctions) {
        public static Config defaults(String baseUrl, String model, String apiKey) {
            return new Config(baseUrl, model, apiKey, 0.2, 1000, Duration.ofSeconds(60), 4, Duration.ofSeconds(2), false);
        }
    }

    private final Config config;
    private final OpenAiClient client;

    public OpenAiJudge(Config config) {
        this.config = config;
        this.client = new OpenAiClient(config.baseUrl(), config.apiKey(), config.timeout(),
                new OpenAiClient.Retry(config.attempts(), config.firstBackoff()));
    }

    @Override
    public String name() {
        return "openai:" + config.model();
    }

    @Override
    public String settings() {
        return String.format(Locale.ROOT, " at %s; temperature %s, max_tokens %d, %s, %d attempts, timeout %ds",
                config.baseUrl(), config.temperature(), config.maxTokens(), config.legacyFunctions() ? "functions" : "tools",
                config.attempts(), config.timeout().toSeconds());
    }

    /** The request body ToolEval sends: tools/tool_choice (StableToolBench) or functions/function_call (ToolBench). */
    public ObjectNode requestBody(String function, Map<String, String> args, boolean returnReason) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", config.model());
        body.put("max_tokens", config.maxTokens());
        body.put("temperature", config.temperature());
        ArrayNode messages = body.putArray("messages");
        ObjectNode user = messages.addObject();
        user.put("role", "user");
        user.put("content", ToolEvalPrompts.prompt(function, args));
        if (config.legacyFunctions()) {
            body.putArray("functions").add(ToolEvalPrompts.schema(function, returnReason));
            body.putObject("function_call").put("name", function);
            return body;
        }
        ObjectNode tool = body.putArray("tools").addObject();
        tool.put("type", "function");
        tool.set("function", ToolEvalPrompts.schema(function, returnReason));
        ObjectNode choice = body.putObject("tool_choice");
        choice.put("type", "function");
        choice.putObject("function").put("name", function);
        return body;
    }

    @Override
    public JsonNode call(String function, Map<String, String> args, boolean returnReason) {
        try {
            return client.complete(requestBody(function, args, returnReason), res -> verdict(res, function, returnReason));
        } catch (IOException e) {
            throw new JudgeUnavailableException(function + ": " + e.getMessage(), e);
        }
    }

    /** The function arguments of the reply, checked for the required keys. */
    static JsonNode verdict(JsonNode res, String function, boolean returnReason) throws IOException {
        JsonNode msg = res.path("choices").path(0).path("message");
        JsonNode args = msg.path("tool_calls").path(0).path("function").path("arguments");
        if (args.isMissingNode()) args = msg.path("function_call").path("arguments");
        if (!args.isTextual()) throw new IOException("reply has no function call");
        JsonNode v = Json.MAPPER.readTree(args.asText());
        if (v == null || !v.isObject()) throw new IOException("reply's function arguments are not a JSON object");
        String key = switch (function) {
            case "check_task_solvable" -> "task_status";
            case "select_better_answer" -> "index";
            default -> "answer_status";
        };
        if (!v.has(key)) throw new IOException("reply lacks " + key);
        JsonNode allowed = ToolEvalPrompts.schema(function, false).at("/parameters/properties/" + key + "/enum");
        if (allowed.isArray() && !contains(allowed, v.get(key).asText())) throw new IOException("reply has " + key + " " + v.get(key));
        if (key.equals("index")) {
            double i = v.get(key).asDouble(-1);
            if (i != 0 && i != 1) throw new IOException("reply has index " + v.get(key));
        }
        if (returnReason && !v.has("reason")) throw new IOException("reply lacks reason");
        return v;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) if (n.asText().equals(value)) return true;
        return false;
    }
}
