package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Mistral calls after the {@code [TOOL_CALLS]} token: a JSON list {@code [{"name": ..., "arguments": {...}}, ...]},
 * or the newer form {@code [TOOL_CALLS]name[ARGS]{...}} repeated per call. Text before the token is the content.
 */
record MistralToolCallParser(Supplier<String> ids) implements ToolCallParser {
    static final String TOOL_CALLS = "[TOOL_CALLS]";
    static final String ARGS = "[ARGS]";

    @Override
    public ParsedReply parse(String output) {
        int at = output.indexOf(TOOL_CALLS);
        if (at < 0) return ParsedReply.plain(output);
        String content = output.substring(0, at).strip();
        String rest = output.substring(at + TOOL_CALLS.length()).strip();
        List<ToolCall> calls = new ArrayList<>();
        try {
            if (rest.startsWith("[")) {
                int end = CallJson.valueEnd(rest, 0);
                if (end < 0) throw new CallJson.Malformed("unclosed JSON list");
                JsonNode list = CallJson.parse(rest.substring(0, end));
                for (JsonNode call : list) calls.add(CallJson.call(call, "arguments", ids));
            } else {
                for (String part : rest.split(Pattern.quote(TOOL_CALLS))) {
                    calls.add(namedCall(part.strip()));
                }
            }
            if (calls.isEmpty()) throw new CallJson.Malformed("no call after " + TOOL_CALLS);
        } catch (CallJson.Malformed e) {
            return ParsedReply.malformed(output, e.getMessage());
        }
        return new ParsedReply(content.isEmpty() ? null : content, calls, null);
    }

    /** {@code name[ARGS]{...}}. */
    private ToolCall namedCall(String part) throws CallJson.Malformed {
        int args = part.indexOf(ARGS);
        if (args <= 0) throw new CallJson.Malformed("expected name" + ARGS + "{...} after " + TOOL_CALLS);
        String name = part.substring(0, args).strip();
        String json = part.substring(args + ARGS.length()).strip();
        int end = json.startsWith("{") ? CallJson.valueEnd(json, 0) : -1;
        if (end < 0 || !json.substring(end).isBlank()) throw new CallJson.Malformed("the arguments of " + name + " are not one JSON object");
        return new ToolCall(ids.get(), name, CallJson.arguments(CallJson.parse(json), name));
    }
}
