package io.tooltune.serve;

/**
 * Follows one JSON object or array through text that grows, to tell where it ends: counts brackets outside strings
 * (escapes inside strings skipped). Feed it the same growing text each time; it resumes where it stopped.
 */
final class JsonScanner {
    private int pos;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean closed;

    /** Starts at {@code start}, where the value's opening bracket is. */
    JsonScanner(int start) {
        this.pos = start;
    }

    /** Reads {@code text} up to its end or the value's closing bracket; returns where the read part starts. */
    int advance(String text) {
        int from = pos;
        while (pos < text.length() && !closed) {
            char c = text.charAt(pos++);
            if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                closed = --depth == 0;
            }
        }
        return from;
    }

    /** Where reading stopped: after the closing bracket once {@link #closed()}. */
    int position() {
        return pos;
    }

    boolean closed() {
        return closed;
    }
}
