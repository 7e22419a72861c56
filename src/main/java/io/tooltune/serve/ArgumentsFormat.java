package io.tooltune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tooltune.Json;
import io.tooltune.chat.CallJson;

import java.util.function.Function;

/**
 * Re-writes a tool call's JSON arguments, fed as the model generates them, into the form the final reply gives them,
 * so that the streamed fragments join to exactly the non-streamed arguments: whitespace between tokens dropped, the
 * reply's separators written after each comma and colon, and strings re-escaped as Jackson and Python's json.dumps
 * write them (only quotes, backslashes and control characters escaped; an escape sequence waits until it is whole).
 * A number is held until it ends and then written as the final reply writes it (1.50 as 1.5, 1e3 as 1000.0), so a
 * model's spelling of a number does not break the match; literals pass as written, and so does a key given twice:
 * the final reply keeps it twice too ({@link ReplyStream#withArgumentsAsWritten}), since a stream cannot take back
 * the first member once a later one repeats its key.
 */
final class ArgumentsFormat {
    /** Jackson's compact form, as the ReAct path writes arguments. */
    static final ArgumentsFormat COMPACT = new ArgumentsFormat(",", ":", ArgumentsFormat::jackson, "\\u%04X");
    /** Python's json.dumps default, as the chat-template path writes arguments. */
    static final ArgumentsFormat PYTHON = new ArgumentsFormat(", ", ": ", CallJson::pythonJson, "\\u%04x");

    private final String itemSeparator;
    private final String keySeparator;
    private final Function<JsonNode, String> numberWriter;
    private final String controlEscape;

    private ArgumentsFormat(String itemSeparator, String keySeparator, Function<JsonNode, String> numberWriter,
                            String controlEscape) {
        this.itemSeparator = itemSeparator;
        this.keySeparator = keySeparator;
        this.numberWriter = numberWriter;
        this.controlEscape = controlEscape;
    }

    /** A formatter for one call's arguments. */
    Writer writer() {
        return new Writer();
    }

    /** The state of one call's arguments: whether inside a string, an escape sequence or a number not yet whole. */
    final class Writer {
        private boolean inString;
        private final StringBuilder escape = new StringBuilder();
        private final StringBuilder number = new StringBuilder();

        /** The canonical text of {@code raw}, the next generated part of the arguments. */
        String feed(String raw) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (!inString) {
                    if (isNumberChar(c)) {
                        number.append(c);
                        continue;
                    }
                    flushNumber(out);
                    if (Character.isWhitespace(c)) continue;
                    if (c == '"') inString = true;
                    out.append(c == ',' ? itemSeparator : c == ':' ? keySeparator : String.valueOf(c));
                } else if (!escape.isEmpty()) {
                    escape.append(c);
                    if (escape.length() == 2 && c != 'u' || escape.length() == 6) {
                        escaped(out, unescape(escape.toString()));
                        escape.setLength(0);
                    }
                } else if (c == '\\') {
                    escape.append(c);
                } else if (c == '"') {
                    out.append(c);
                    inString = false;
                } else {
                    escaped(out, c);
                }
            }
            return out.toString();
        }

        private void flushNumber(StringBuilder out) {
            if (number.isEmpty()) return;
            String raw = number.toString();
            number.setLength(0);
            try {
                JsonNode n = Json.MAPPER.readTree(raw);
                out.append(n != null && n.isNumber() ? numberWriter.apply(n) : raw);
            } catch (JsonProcessingException e) {
                out.append(raw);
            }
        }
    }

    private static boolean isNumberChar(char c) {
        return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    }

    private static String jackson(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static char unescape(String seq) {
        return switch (seq.charAt(1)) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'u' -> {
                try {
                    yield (char) Integer.parseInt(seq.substring(2), 16);
                } catch (NumberFormatException e) {
                    yield '\uFFFD';
                }
            }
            default -> seq.charAt(1);
        };
    }

    private void escaped(StringBuilder out, char c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '\r' -> out.append("\\r");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            default -> {
                if (c < 0x20) out.append(String.format(controlEscape, (int) c));
                else out.append(c);
            }
        }
    }
}
