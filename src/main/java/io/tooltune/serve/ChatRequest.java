package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated OpenAI Chat Completions request (the subset this server implements). Anything it cannot honour
 * faithfully (the legacy functions API, for one) is refused with a 400 rather than silently ignored.
 * {@code responseFormat} is the {@code response_format} object when it asks for JSON ({@code json_object}, or
 * {@code json_schema} with its {@code json_schema.schema}); null for text. {@code n} choices (1 to {@link #MAX_N});
 * {@code presencePenalty} and {@code frequencyPenalty} in [-2, 2] (0 when absent); {@code logitBias} from token id
 * to a bias in [-100, 100] (whether the ids exist is the model's to say: {@link #checkLogitBias}); {@code topLogprobs}
 * is null without {@code logprobs}, else 0 to {@link #MAX_TOP_LOGPROBS}.
 */
public record ChatRequest(String model, List<Message> messages, List<Tool> tools, ToolChoice toolChoice,
                          Double temperature, Double topP, Integer maxTokens, List<String> stop, Long seed,
                          boolean stream, boolean includeUsage, JsonNode responseFormat, int n,
                          double presencePenalty, double frequencyPenalty, Map<Integer, Double> logitBias,
                          Integer topLogprobs) {
    /** The most choices one request may ask for (each is a sequence of its own in the batch). */
    public static final int MAX_N = 16;
    /** OpenAI's limit on top_logprobs. */
    public static final int MAX_TOP_LOGPROBS = 20;

    public ChatRequest {
        logitBias = Map.copyOf(logitBias);
    }

    /** One message; {@code content} may be null for an assistant message that only calls tools. */
    public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {}

    /** A call as OpenAI writes it: {@code arguments} is a JSON string. */
    public record ToolCall(String id, String name, String arguments) {}

    /** A function tool; {@code parameters} is its JSON schema (an empty object when absent). */
    public record Tool(String name, String description, JsonNode parameters) {}

    public enum ChoiceMode { NONE, AUTO, REQUIRED, NAMED }

    /** tool_choice; {@code function} is set only for {@link ChoiceMode#NAMED}. */
    public record ToolChoice(ChoiceMode mode, String function) {}

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    /** Parses and validates a request body; every problem is an {@link ApiException} naming the field. */
    public static ChatRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid("invalid_request", "the request body must be a JSON object");
        String model = requiredText(body, "model");
        Integer n = optInt(body, "n");
        if (n != null && (n < 1 || n > MAX_N)) throw ApiException.invalidParam("n", "invalid_value", "must be in [1, " + MAX_N + "]");
        double presence = penalty(body, "presence_penalty");
        double frequency = penalty(body, "frequency_penalty");
        Map<Integer, Double> bias = parseLogitBias(body.get("logit_bias"));
        Integer topLogprobs = parseLogprobs(body);
        for (String legacy : List.of("functions", "function_call")) {
            if (present(body.get(legacy))) throw ApiException.invalid("unsupported_parameter", legacy + ": the legacy functions API is not supported; use tools");
        }
        JsonNode format = parseResponseFormat(body.get("response_format"));
        List<Tool> tools = parseTools(body.get("tools"));
        ToolChoice choice = parseToolChoice(body.get("tool_choice"), tools);
        Integer maxTokens = optInt(body, "max_completion_tokens");
        if (maxTokens == null) maxTokens = optInt(body, "max_tokens");
        if (maxTokens != null && maxTokens < 1) throw ApiException.invalid("invalid_value", "max_tokens: must be at least 1");
        Double temperature = optDouble(body, "temperature");
        if (temperature != null && (temperature < 0 || temperature > 2)) throw ApiException.invalid("invalid_value", "temperature: must be in [0, 2]");
        Double topP = optDouble(body, "top_p");
        if (topP != null && (topP <= 0 || topP > 1)) throw ApiException.invalid("invalid_value", "top_p: must be in (0, 1]");
        JsonNode seed = body.get("seed");
        if (present(seed) && !seed.canConvertToLong()) throw ApiException.invalid("invalid_type", "seed: must be an integer");
        JsonNode streamOptions = body.get("stream_options");
        return new ChatRequest(model, parseMessages(body.get("messages")), tools, choice, temperature, topP, maxTokens,
                parseStop(body.get("stop")), present(seed) ? seed.asLong() : null, body.path("stream").asBoolean(false),
                present(streamOptions) && streamOptions.path("include_usage").asBoolean(false), format,
                n == null ? 1 : n, presence, frequency, bias, topLogprobs);
    }

    /** Refuses a logit_bias key that is not a token id of a vocabulary of {@code vocabularySize} ids. */
    public void checkLogitBias(int vocabularySize) {
        for (int id : logitBias.keySet()) {
            if (id >= vocabularySize) {
                throw ApiException.invalidParam("logit_bias", "invalid_value", "token id " + id
                        + " is not in this model's vocabulary (ids 0 to " + (vocabularySize - 1) + ")");
            }
        }
    }

    private static double penalty(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!present(v)) return 0;
        if (!v.isNumber()) throw ApiException.invalidParam(field, "invalid_type", "must be a number");
        double d = v.asDouble();
        if (!(d >= -2 && d <= 2)) throw ApiException.invalidParam(field, "invalid_value", "must be in [-2, 2], not " + d);
        return d;
    }

    /** OpenAI's logit_bias: an object from token ids (as strings) to biases in [-100, 100]. */
    private static Map<Integer, Double> parseLogitBias(JsonNode node) {
        if (!present(node)) return Map.of();
        if (!node.isObject()) throw ApiException.invalidParam("logit_bias", "invalid_type", "must be an object from token ids to numbers");
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                id = -1;
            }
            if (id < 0) throw ApiException.invalidParam("logit_bias", "invalid_value", "key '" + e.getKey() + "' is not a token id");
            JsonNode v = e.getValue();
            if (!v.isNumber() || !(v.asDouble() >= -100 && v.asDouble() <= 100)) {
                throw ApiException.invalidParam("logit_bias", "invalid_value", "the bias of token " + id + " must be a number in [-100, 100]");
            }
            out.put(id, v.asDouble());
        }
        return out;
    }

    /** null without logprobs; else top_logprobs (0 when absent), which needs logprobs true. */
    private static Integer parseLogprobs(JsonNode body) {
        JsonNode lp = body.get("logprobs");
        if (present(lp) && !lp.isBoolean()) throw ApiException.invalidParam("logprobs", "invalid_type", "must be a boolean");
        boolean on = present(lp) && lp.asBoolean();
        Integer top = optInt(body, "top_logprobs");
        if (top == null) return on ? 0 : null;
        if (!on) throw ApiException.invalidParam("top_logprobs", "invalid_value", "requires logprobs to be true");
        if (top < 0 || top > MAX_TOP_LOGPROBS) {
            throw ApiException.invalidParam("top_logprobs", "invalid_value", "must be in [0, " + MAX_TOP_LOGPROBS + "]");
        }
        return top;
    }

    /** null for text; the object for json_object, and for json_schema once its schema is there. */
    private static JsonNode parseResponseFormat(JsonNode format) {
        if (!present(format)) return null;
        if (!format.isObject()) throw ApiException.invalid("invalid_type", "response_format: must be an object");
        String type = format.path("type").asText("");
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return format;
            }
            case "json_schema" -> {
                JsonNode js = format.get("json_schema");
                if (!present(js) || !js.isObject() || !js.path("name").isTextual()) {
                    throw ApiException.invalid("invalid_value", "response_format.json_schema: an object with a name is required");
                }
                JsonNode schema = js.get("schema");
                if (present(schema) && !schema.isObject()) {
                    throw ApiException.invalid("invalid_type", "response_format.json_schema.schema: must be an object");
                }
                JsonNode strict = js.get("strict");
                if (present(strict) && !strict.isBoolean()) {
                    throw ApiException.invalid("invalid_type", "response_format.json_schema.strict: must be a boolean");
                }
                return format;
            }
            default -> throw ApiException.invalid("invalid_value",
                    "response_format.type: must be text, json_object or json_schema, not '" + type + "'");
        }
    }

    private static List<Message> parseMessages(JsonNode node) {
        if (!present(node) || !node.isArray() || node.isEmpty()) throw ApiException.invalid("invalid_value", "messages: must be a non-empty array");
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiException.invalid("invalid_type", where + ": must be an object");
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) throw ApiException.invalid("invalid_value", where + ".role: unknown role '" + role + "'");
            String content = contentText(m.get("content"), where);
            List<ToolCall> calls = new ArrayList<>();
            JsonNode tc = m.get("tool_calls");
            if (present(tc)) {
                if (!role.equals("assistant") || !tc.isArray()) throw ApiException.invalid("invalid_value", where + ".tool_calls: only an array on assistant messages");
                for (int j = 0; j < tc.size(); j++) {
                    JsonNode c = tc.get(j);
                    String cw = where + ".tool_calls[" + j + "]";
                    JsonNode fn = c.path("function");
                    String name = fn.path("name").asText("");
                    if (name.isEmpty()) throw ApiException.invalid("invalid_value", cw + ".function.name: missing");
                    JsonNode args = fn.get("arguments");
                    String argText = !present(args) ? "{}" : args.isTextual() ? args.asText() : args.toString();
                    calls.add(new ToolCall(c.path("id").asText(""), name, argText));
                }
            }
            String toolCallId = null;
            if (role.equals("tool")) {
                toolCallId = m.path("tool_call_id").asText("");
                if (toolCallId.isEmpty()) throw ApiException.invalid("invalid_value", where + ".tool_call_id: required on tool messages");
            }
            if (content == null && calls.isEmpty() && !role.equals("assistant")) {
                throw ApiException.invalid("invalid_value", where + ".content: required for role " + role);
            }
            out.add(new Message(role, content, List.copyOf(calls), toolCallId));
        }
        return List.copyOf(out);
    }

    /** Content is a string or an array of text parts (other part types are refused). */
    private static String contentText(JsonNode c, String where) {
        if (!present(c)) return null;
        if (c.isTextual()) return c.asText();
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText())) {
                    throw ApiException.invalid("unsupported_parameter", where + ".content: only text parts are supported");
                }
                sb.append(part.path("text").asText());
            }
            return sb.toString();
        }
        throw ApiException.invalid("invalid_type", where + ".content: must be a string or an array of text parts");
    }

    private static List<Tool> parseTools(JsonNode node) {
        if (!present(node)) return List.of();
        if (!node.isArray()) throw ApiException.invalid("invalid_type", "tools: must be an array");
        List<Tool> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            String where = "tools[" + i + "]";
            if (!"function".equals(t.path("type").asText())) throw ApiException.invalid("invalid_value", where + ".type: only 'function' tools are supported");
            JsonNode fn = t.path("function");
            String name = fn.path("name").asText("");
            if (name.isEmpty()) throw ApiException.invalid("invalid_value", where + ".function.name: missing");
            if (!names.add(name)) throw ApiException.invalid("invalid_value", where + ".function.name: duplicate '" + name + "'");
            JsonNode params = fn.get("parameters");
            if (!present(params)) params = JsonNodeFactory.instance.objectNode().put("type", "object").set("properties", JsonNodeFactory.instance.objectNode());
            else if (!params.isObject()) throw ApiException.invalid("invalid_type", where + ".function.parameters: must be an object");
            out.add(new Tool(name, fn.path("description").asText(""), params));
        }
        return List.copyOf(out);
    }

    private static ToolChoice parseToolChoice(JsonNode node, List<Tool> tools) {
        if (!present(node)) return new ToolChoice(tools.isEmpty() ? ChoiceMode.NONE : ChoiceMode.AUTO, null);
        if (node.isTextual()) {
            ChoiceMode mode = switch (node.asText()) {
                case "none" -> ChoiceMode.NONE;
                case "auto" -> ChoiceMode.AUTO;
                case "required" -> ChoiceMode.REQUIRED;
                default -> throw ApiException.invalid("invalid_value", "tool_choice: must be none, auto, required or a function");
            };
            if (mode == ChoiceMode.REQUIRED && tools.isEmpty()) throw ApiException.invalid("invalid_value", "tool_choice: 'required' needs tools");
            return new ToolChoice(mode, null);
        }
        String name = node.path("function").path("name").asText("");
        if (!"function".equals(node.path("type").asText()) || name.isEmpty()) {
            throw ApiException.invalid("invalid_value", "tool_choice: a named choice is {\"type\":\"function\",\"function\":{\"name\":...}}");
        }
        if (tools.stream().noneMatch(t -> t.name().equals(name))) throw ApiException.invalid("invalid_value", "tool_choice: no tool named '" + name + "'");
        return new ToolChoice(ChoiceMode.NAMED, name);
    }

    private static List<String> parseStop(JsonNode node) {
        if (!present(node)) return List.of();
        if (node.isTextual()) return List.of(node.asText());
        if (node.isArray() && node.size() <= 4) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : node) {
                if (!s.isTextual() || s.asText().isEmpty()) throw ApiException.invalid("invalid_value", "stop: must hold non-empty strings");
                out.add(s.asText());
            }
            return List.copyOf(out);
        }
        throw ApiException.invalid("invalid_value", "stop: a string or an array of at most 4 strings");
    }

    private static String requiredText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!present(v) || !v.isTextual() || v.asText().isEmpty()) throw ApiException.invalid("invalid_value", field + ": required string");
        return v.asText();
    }

    private static Integer optInt(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!present(v)) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw ApiException.invalidParam(field, "invalid_type", "must be an integer");
        return v.asInt();
    }

    private static Double optDouble(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!present(v)) return null;
        if (!v.isNumber()) throw ApiException.invalid("invalid_type", field + ": must be a number");
        return v.asDouble();
    }

    static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    /** The tool schema as an object node, for prompt rendering. */
    public static ObjectNode functionDict(Tool t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", t.name());
        o.put("description", t.description());
        o.set("parameters", t.parameters());
        return o;
    }
}
