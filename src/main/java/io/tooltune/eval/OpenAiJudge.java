package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * ToolEval's LLM judge on any OpenAI-compatible chat completions endpoint: one user message (the template), the one
 * function as a tool with a forced tool choice, temperature 0.2, max_tokens 1000; the function arguments of the
 * reply are the verdict. Transport errors, 429/5xx and unparseable replies are retried with exponential backoff.
 */
public final class OpenAiJudge implements Judge {
    public record Config(String baseUrl, String model, String apiKey, double temperature, int maxTokens,
                         Duration timeout, int attempts, Duration firstBackoff, boolean legacyFunctions) {
        public static Config defaults(String baseUrl, String model, String apiKey) {
            return new Config(baseUrl, model, apiKey, 0.2, 1000, Duration.ofSeconds(60), 4, Duration.ofSeconds(2), false);
        }
    }

    private final Config config;
    private final HttpClient http;

    public OpenAiJudge(Config config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    @Override
    public String name() {
        return "openai:" + config.model();
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
        String body = requestBody(function, args, returnReason).toString();
        Exception last = null;
        for (int attempt = 0; attempt < config.attempts(); attempt++) {
            if (attempt > 0) sleep(config.firstBackoff().toMillis() << (attempt - 1));
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(stripSlash(config.baseUrl()) + "/chat/completions"))
                        .timeout(config.timeout()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                if (config.apiKey() != null && !config.apiKey().isEmpty()) req.header("Authorization", "Bearer " + config.apiKey());
                HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() != 200) {
                    last = new IOException("HTTP " + res.statusCode() + ": " + abbreviate(res.body()));
                    continue;
                }
                return verdict(Json.MAPPER.readTree(res.body()), function, returnReason);
            } catch (IOException | RuntimeException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JudgeUnavailableException("interrupted", e);
            }
        }
        throw new JudgeUnavailableException(function + " failed after " + config.attempts() + " attempts: " + last, last);
    }

    /** The function arguments of the reply, checked for the required keys. */
    static JsonNode verdict(JsonNode res, String function, boolean returnReason) throws IOException {
        JsonNode msg = res.path("choices").path(0).path("message");
        JsonNode args = msg.path("tool_calls").path(0).path("function").path("arguments");
        if (args.isMissingNode()) args = msg.path("function_call").path("arguments");
        if (!args.isTextual()) throw new IOException("reply has no function call");
        JsonNode v = Json.MAPPER.readTree(args.asText());
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

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JudgeUnavailableException("interrupted", e);
        }
    }
}
