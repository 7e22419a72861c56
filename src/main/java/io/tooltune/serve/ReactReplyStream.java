package io.tooltune.serve;

import io.tooltune.chat.CallJson;
import io.tooltune.data.FunctionSchemas;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streaming on ToolLLaMA's ReAct prompt (see {@link ReplyMapper} for what the client sees). Thought and Action lines
 * are never sent. Content is Finish's final_answer: nothing is sent until the text reaches {@code Action: Finish},
 * its Action Input and the opening quote of {@code "final_answer"}; from there the JSON string is decoded as it
 * grows (an escape sequence waits until whole) and sent, up to its closing quote. A call of an offered function
 * starts once its Action line is followed by an Action Input object, which is then sent as generated, up to its closing brace,
 * in the final reply's compact form ({@link ArgumentsFormat}). Any other reply (free text, a call of an unknown function) is sent whole
 * at the end.
 */
final class ReactReplyStream extends ReplyStream {
    private static final Pattern CALL = Pattern.compile("Action:[ \\t]*([^\\n]*?)[ \\t]*\\r?\\nAction Input:\\s*(?=\\{)");
    private static final Pattern ANSWER = Pattern.compile(
            "Action:[ \\t]*" + FunctionSchemas.FINISH + "[ \\t]*\\r?\\nAction Input:\\s*\\{.*?\"final_answer\"\\s*:\\s*\"", Pattern.DOTALL);
    private final Set<String> callable;
    private final boolean finishIsATool;
    private int answerStart = -1;
    private int call = -1;
    /** Where the call's Action Input starts, and how far it was sent (-1 once it closed). */
    private int argumentsFrom;
    private int argumentsSent;
    /** The arguments as the final reply writes them (Jackson's compact JSON). */
    private final ArgumentsFormat.Writer writer = ArgumentsFormat.COMPACT.writer();

    ReactReplyStream(PromptMapper.Rendered rendered, List<String> stops) {
        super(rendered.prefill(), stops);
        this.callable = rendered.callable();
        this.finishIsATool = callable.contains(FunctionSchemas.FINISH);
    }

    @Override
    void advance(String all, DeltaSink sink) throws IOException {
        if (call < 0 && answerStart < 0) {
            Matcher m = CALL.matcher(all);
            if (m.find() && callable.contains(m.group(1)) && (finishIsATool || !m.group(1).equals(FunctionSchemas.FINISH))) {
                call = startCall(m.group(1), sink);
                argumentsFrom = argumentsSent = m.end();
            }
        }
        if (call >= 0) {
            if (argumentsSent >= 0) {
                int end = CallJson.valueEnd(all, argumentsFrom);
                int upTo = end < 0 ? all.length() : end;
                arguments(call, writer.feed(all.substring(argumentsSent, upTo)), sink);
                argumentsSent = end < 0 ? upTo : -1;
            }
            return;
        }
        if (finishIsATool) return;
        if (answerStart < 0) {
            Matcher m = ANSWER.matcher(all);
            if (!m.find()) return;
            answerStart = m.end();
        }
        content(decodedPrefix(all, answerStart), answerStart, sink);
    }

    /** The JSON string starting at {@code from} (after its opening quote), decoded as far as it is complete. */
    static String decodedPrefix(String s, int from) {
        StringBuilder out = new StringBuilder();
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') break;
            if (c != '\\') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= s.length()) break;
            char e = s.charAt(i + 1);
            if (e == 'u') {
                if (i + 6 > s.length()) break;
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                } catch (NumberFormatException bad) {
                    break;
                }
                i += 6;
                continue;
            }
            out.append(switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                default -> e;
            });
            i += 2;
        }
        // a high surrogate waits for its pair
        if (!out.isEmpty() && Character.isHighSurrogate(out.charAt(out.length() - 1))) out.setLength(out.length() - 1);
        return out.toString();
    }
}
