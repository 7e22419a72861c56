package io.tooltune.chat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Llama 3.x JSON calls: a reply that is {@code {"name": ..., "parameters": {...}}}, optionally after
 * {@code <|python_tag|>}, several separated by {@code ;}. A reply not starting with a JSON object is plain content.
 */
record Llama3ToolCallParser(Supplier<String> ids) implements ToolCallParser {
    static final String PYTHON_TAG = "<|python_tag|>";

    @Override
    public ParsedReply parse(String output) {
        String s = output.strip();
        if (s.startsWith(PYTHON_TAG)) s = s.substring(PYTHON_TAG.length()).strip();
        if (!s.startsWith("{")) return ParsedReply.plain(output);
        List<ToolCall> calls = new ArrayList<>();
        int i = 0;
        try {
            while (i < s.length()) {
                int end = CallJson.valueEnd(s, i);
                if (end < 0) throw new CallJson.Malformed("unclosed JSON object");
                JsonNode call = CallJson.parse(s.substring(i, end));
                calls.add(CallJson.call(call, call.has("parameters") ? "parameters" : "arguments", ids));
                i = skipSeparator(s, end);
            }
        } catch (CallJson.Malformed e) {
            return ParsedReply.malformed(output, e.getMessage());
        }
        return new ParsedReply(null, calls, null);
    }

    /** Past whitespace and one ';' between calls; throws on anything else. */
    private static int skipSeparator(String s, int i) throws CallJson.Malformed {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        if (i < s.length() && s.charAt(i) == ';') i++;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        if (i < s.length() && s.charAt(i) != '{') throw new CallJson.Malformed("text after a tool call: " + s.substring(i));
        return i;
    }
}
