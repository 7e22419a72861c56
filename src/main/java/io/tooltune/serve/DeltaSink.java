package io.tooltune.serve;

import io.tooltune.generate.TokenLogprob;

import java.io.IOException;
import java.util.List;

/**
 * Where a streamed reply's pieces go, in OpenAI's delta vocabulary: content text (with the generated tokens behind
 * it, for log-probabilities), the start of a tool call (its index, id and name), fragments of its arguments, and a
 * keep-alive while nothing is ready. The server writes them as SSE chunks or events; a write that fails means the
 * client has gone.
 */
interface DeltaSink {
    void content(String text) throws IOException;

    /** Content and the tokens that produced it; a sink that does not report log-probabilities sends the text alone. */
    default void content(String text, List<TokenLogprob> tokens) throws IOException {
        content(text);
    }

    void toolCallStart(int index, String id, String name) throws IOException;

    void toolCallArguments(int index, String fragment) throws IOException;

    void heartbeat() throws IOException;
}
