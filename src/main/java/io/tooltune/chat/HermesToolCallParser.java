package io.tooltune.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Hermes / Qwen calls: {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}, any number per reply; text
 * outside the blocks is the content. A last block left open (generation stopped at the end-of-turn token) is read too.
 */
record HermesToolCallParser(Supplier<String> ids) implements ToolCallParser {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";

    @Override
    public ParsedReply parse(String output) {
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        int i = 0;
        int open;
        try {
            while ((open = output.indexOf(OPEN, i)) >= 0) {
                content.append(output, i, open);
                int body = open + OPEN.length();
                int close = output.indexOf(CLOSE, body);
                String json = (close < 0 ? output.substring(body) : output.substring(body, close)).strip();
                calls.add(CallJson.call(CallJson.parse(json), "arguments", ids));
                i = close < 0 ? output.length() : close + CLOSE.length();
            }
        } catch (CallJson.Malformed e) {
            return ParsedReply.malformed(output, e.getMessage());
        }
        content.append(output.substring(i));
        String text = content.toString().strip();
        return new ParsedReply(text.isEmpty() && !calls.isEmpty() ? null : text, calls, null);
    }
}
