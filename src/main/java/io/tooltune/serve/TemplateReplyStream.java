package io.tooltune.serve;

import io.tooltune.chat.CallJson;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streaming through a chat template when tools are offered: plain content (stripped, as the final reply is) until a
 * tool-call opener ({@code <tool_call>}, {@code [TOOL_CALLS]}, {@code <|python_tag|>}, or a reply that starts with
 * {@code {"name"}); text that may still become an opener is held back. After it, each call goes out as it is
 * generated: its name once the {@code "name"} string is closed, then its {@code "arguments"} (or Llama's
 * {@code "parameters"}) object fragment by fragment, up to its closing brace, in the final reply's json.dumps form
 * ({@link ArgumentsFormat}); the call the final reply parses is compared at the end ({@link ReplyStream#finish}).
 */
final class TemplateReplyStream extends ReplyStream {
    static final List<String> OPENERS = List.of("<tool_call>", "[TOOL_CALLS]", "<|python_tag|>");
    private static final String JSON_CALL = "{\"name\"";
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern ARGUMENTS = Pattern.compile("\"(?:arguments|parameters)\"\\s*:\\s*");
    /** Where the calls begin in the text; -1 while it is content. */
    private int callsFrom = -1;
    /** Scan position, the call being streamed (-1: looking for a name), and its arguments (-1: not reached). */
    private int pos;
    private int call = -1;
    private int argumentsFrom = -1;
    private boolean gaveUp;
    /** The streamed call's arguments as the final reply writes them (json.dumps). */
    private ArgumentsFormat.Writer writer;

    TemplateReplyStream(String prefill, List<String> stops) {
        super(prefill, stops);
    }

    @Override
    void advance(String text, DeltaSink sink) throws IOException {
        if (callsFrom < 0 && !findCalls(text, sink)) return;
        if (!gaveUp) streamCalls(text, sink);
    }

    /** Sends the content before any opener; true once the calls have begun. */
    private boolean findCalls(String text, DeltaSink sink) throws IOException {
        int lead = 0;
        while (lead < text.length() && Character.isWhitespace(text.charAt(lead))) lead++;
        String body = text.substring(lead);
        if (body.startsWith("{")) {
            String squeezed = "{" + body.substring(1).stripLeading();
            if (JSON_CALL.startsWith(squeezed) && squeezed.length() < JSON_CALL.length()) return false;
            if (squeezed.startsWith(JSON_CALL)) {
                callsFrom = pos = lead;
                return true;
            }
        }
        int at = -1;
        String opener = null;
        for (String o : OPENERS) {
            int i = body.indexOf(o);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
                opener = o;
            }
        }
        if (at >= 0) {
            content(body.substring(0, at).strip(), lead, sink);
            callsFrom = pos = lead + at + opener.length();
            return true;
        }
        int held = 0;
        for (String o : OPENERS) {
            for (int k = Math.min(o.length() - 1, body.length()); k > held; k--) {
                if (body.endsWith(o.substring(0, k))) {
                    held = k;
                    break;
                }
            }
        }
        content(body.substring(0, body.length() - held).strip(), lead, sink);
        return false;
    }

    private void streamCalls(String text, DeltaSink sink) throws IOException {
        while (true) {
            if (argumentsFrom < 0) {
                if (call < 0) {
                    Matcher m = NAME.matcher(text);
                    if (!m.find(pos)) return;
                    call = startCall(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"), sink);
                    writer = ArgumentsFormat.PYTHON.writer();
                    pos = m.end();
                }
                Matcher a = ARGUMENTS.matcher(text);
                if (!a.find(pos) || a.end() >= text.length()) return;
                char first = text.charAt(a.end());
                if (first != '{' && first != '[') {
                    gaveUp = true;
                    return;
                }
                argumentsFrom = pos = a.end();
            }
            int end = CallJson.valueEnd(text, argumentsFrom);
            int upTo = end < 0 ? text.length() : end;
            arguments(call, writer.feed(text.substring(pos, upTo)), sink);
            pos = upTo;
            if (end < 0) return;
            argumentsFrom = -1;
            call = -1;
        }
    }
}
