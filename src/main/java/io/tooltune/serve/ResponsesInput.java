package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.util.List;
import java.util.Set;

import static io.tooltune.serve.ChatRequest.present;

/**
 * A Responses API request ({@code POST /v1/responses}) translated onto the chat path: {@code instructions} become
 * a system message, {@code input} (a string, or message, function_call and function_call_output items) the
 * messages, flat function tools the chat tools, {@code tool_choice}, {@code max_output_tokens} and
 * {@code text.format} their chat counterparts; {@code include: ["message.output_text.logprobs"]} turns on the chat's
 * logprobs with {@code top_logprobs} alternatives (without it, top_logprobs is checked and no logprobs are returned,
 * as OpenAI does). The result is validated as a {@link ChatRequest}. Items and parameters this server cannot honour
 * (hosted tools, images, files, stored conversations) are refused, naming the field.
 */
final class ResponsesInput {
    private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");
    private static final List<String> UNSUPPORTED = List.of("previous_response_id", "conversation", "prompt");
    private static final String LOGPROBS = "message.output_text.logprobs";
    /** OpenAI's other includables: they add to items this server never produces, so they add nothing here. */
    private static final Set<String> NOTHING_TO_INCLUDE = Set.of("file_search_call.results", "web_search_call.results",
            "web_search_call.action.sources", "message.input_image.image_url", "computer_call_output.output.image_url",
            "code_interpreter_call.outputs", "reasoning.encrypted_content");

    private ResponsesInput() {}

    static ChatRequest toChat(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid("invalid_request", "the request body must be a JSON object");
        for (String field : UNSUPPORTED) {
            if (present(body.get(field))) {
                throw ApiException.invalid("unsupported_parameter", field + ": not supported (this server stores no responses)");
            }
        }
        if (body.path("background").asBoolean(false)) throw ApiException.invalid("unsupported_parameter", "background: not supported");
        ObjectNode chat = Json.MAPPER.createObjectNode();
        copy(body, "model", chat, "model");
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = body.get("instructions");
        if (present(instructions)) {
            if (!instructions.isTextual()) throw ApiException.invalid("invalid_type", "instructions: must be a string");
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        messages(body.get("input"), messages);
        if (present(body.get("tools"))) chat.set("tools", tools(body.get("tools")));
        if (present(body.get("tool_choice"))) chat.set("tool_choice", toolChoice(body.get("tool_choice")));
        JsonNode maxOutput = body.get("max_output_tokens");
        if (present(maxOutput) && !(maxOutput.isIntegralNumber() && maxOutput.canConvertToInt() && maxOutput.asInt() >= 1)) {
            throw ApiException.invalid("invalid_value", "max_output_tokens: must be an integer of at least 1");
        }
        copy(body, "max_output_tokens", chat, "max_tokens");
        copy(body, "temperature", chat, "temperature");
        copy(body, "top_p", chat, "top_p");
        copy(body, "seed", chat, "seed");
        Integer top = topLogprobs(body.get("top_logprobs"));
        if (includesLogprobs(body.get("include"))) chat.put("logprobs", true).put("top_logprobs", top == null ? 0 : top);
        JsonNode format = body.path("text").get("format");
        if (present(format)) chat.set("response_format", responseFormat(format));
        return ChatRequest.parse(chat);
    }

    /** Whether {@code include} asks for the output text's logprobs; a value OpenAI does not define is refused. */
    private static boolean includesLogprobs(JsonNode include) {
        if (!present(include)) return false;
        if (!include.isArray()) throw ApiException.invalidParam("include", "invalid_type", "must be an array of strings");
        boolean logprobs = false;
        for (int i = 0; i < include.size(); i++) {
            String value = include.get(i).asText("");
            if (value.equals(LOGPROBS)) logprobs = true;
            else if (!include.get(i).isTextual() || !NOTHING_TO_INCLUDE.contains(value)) {
                throw ApiException.invalidParam("include[" + i + "]", "invalid_value", "unknown value " + include.get(i)
                        + " (this server fills in '" + LOGPROBS + "')");
            }
        }
        return logprobs;
    }

    /** top_logprobs, checked whether or not logprobs are included. */
    private static Integer topLogprobs(JsonNode top) {
        if (!present(top)) return null;
        if (!top.isIntegralNumber() || !top.canConvertToInt()) throw ApiException.invalidParam("top_logprobs", "invalid_type", "must be an integer");
        if (top.asInt() < 0 || top.asInt() > ChatRequest.MAX_TOP_LOGPROBS) {
            throw ApiException.invalidParam("top_logprobs", "invalid_value", "must be in [0, " + ChatRequest.MAX_TOP_LOGPROBS + "]");
        }
        return top.asInt();
    }

    private static void messages(JsonNode input, ArrayNode out) {
        if (!present(input)) throw ApiException.invalid("invalid_value", "input: required");
        if (input.isTextual()) {
            out.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray() || input.isEmpty()) throw ApiException.invalid("invalid_value", "input: a string or a non-empty array of items");
        ObjectNode callsMessage = null;
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String where = "input[" + i + "]";
            if (!item.isObject()) throw ApiException.invalid("invalid_type", where + ": must be an object");
            String type = item.path("type").asText("message");
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText("");
                    if (!ROLES.contains(role)) throw ApiException.invalid("invalid_value", where + ".role: unknown role '" + role + "'");
                    out.addObject().put("role", role).put("content", text(item.get("content"), where + ".content"));
                    callsMessage = null;
                }
                case "function_call" -> {
                    String callId = requiredText(item, "call_id", where);
                    String name = requiredText(item, "name", where);
                    JsonNode args = item.get("arguments");
                    if (!present(args) || !args.isTextual()) throw ApiException.invalid("invalid_type", where + ".arguments: must be a JSON string");
                    if (callsMessage == null) {
                        callsMessage = out.addObject().put("role", "assistant");
                        callsMessage.putNull("content");
                        callsMessage.putArray("tool_calls");
                    }
                    ObjectNode call = ((ArrayNode) callsMessage.get("tool_calls")).addObject().put("id", callId).put("type", "function");
                    call.putObject("function").put("name", name).put("arguments", args.asText());
                }
                case "function_call_output" -> {
                    String callId = requiredText(item, "call_id", where);
                    out.addObject().put("role", "tool").put("tool_call_id", callId).put("content", text(item.get("output"), where + ".output"));
                    callsMessage = null;
                }
                default -> throw ApiException.invalid("unsupported_parameter", where + ".type: '" + type
                        + "' items are not supported (message, function_call and function_call_output are)");
            }
        }
    }

    /** A string, or text parts (input_text, output_text); other parts are refused. */
    private static String text(JsonNode content, String where) {
        if (!present(content)) throw ApiException.invalid("invalid_value", where + ": required");
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw ApiException.invalid("invalid_type", where + ": must be a string or an array of text parts");
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText("");
            if (!type.equals("input_text") && !type.equals("output_text")) {
                throw ApiException.invalid("unsupported_parameter", where + "[" + j + "].type: only input_text and output_text parts are supported, not '" + type + "'");
            }
            sb.append(part.path("text").asText());
        }
        return sb.toString();
    }

    /** Flat function tools ({type, name, description, parameters, strict}) in the chat's nested shape. */
    private static ArrayNode tools(JsonNode tools) {
        if (!tools.isArray()) throw ApiException.invalid("invalid_type", "tools: must be an array");
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String where = "tools[" + i + "]";
            if (!"function".equals(t.path("type").asText())) {
                throw ApiException.invalid("unsupported_parameter", where + ".type: only 'function' tools are supported, not '" + t.path("type").asText() + "'");
            }
            ObjectNode fn = out.addObject().put("type", "function").putObject("function");
            fn.put("name", requiredText(t, "name", where));
            if (t.path("description").isTextual()) fn.put("description", t.get("description").asText());
            JsonNode params = t.get("parameters");
            if (present(params)) {
                if (!params.isObject()) throw ApiException.invalid("invalid_type", where + ".parameters: must be an object");
                fn.set("parameters", params);
            }
        }
        return out;
    }

    /** "none", "auto", "required" as they are; {"type":"function","name":N} in the chat's nested shape. */
    private static JsonNode toolChoice(JsonNode choice) {
        if (choice.isTextual()) return choice;
        if (choice.isObject() && "function".equals(choice.path("type").asText()) && choice.path("name").isTextual()) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("type", "function");
            out.putObject("function").put("name", choice.get("name").asText());
            return out;
        }
        throw ApiException.invalid("invalid_value", "tool_choice: none, auto, required or {\"type\":\"function\",\"name\":...}");
    }

    /** text.format ({type, name, schema, strict}) as a chat response_format. */
    private static JsonNode responseFormat(JsonNode format) {
        if (!format.isObject()) throw ApiException.invalid("invalid_type", "text.format: must be an object");
        String type = format.path("type").asText("");
        ObjectNode out = Json.MAPPER.createObjectNode().put("type", type);
        if (type.equals("json_schema")) {
            ObjectNode js = out.putObject("json_schema");
            js.put("name", requiredText(format, "name", "text.format"));
            if (present(format.get("schema"))) js.set("schema", format.get("schema"));
            if (present(format.get("strict"))) js.set("strict", format.get("strict"));
        } else if (!type.equals("text") && !type.equals("json_object")) {
            throw ApiException.invalid("invalid_value", "text.format.type: must be text, json_object or json_schema, not '" + type + "'");
        }
        return out;
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (!present(v) || !v.isTextual() || v.asText().isEmpty()) throw ApiException.invalid("invalid_value", where + "." + field + ": required string");
        return v.asText();
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (present(v)) to.set(as, v);
    }
}
