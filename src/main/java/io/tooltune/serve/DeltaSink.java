package io.tooltune.serve;

import java.io.IOException;

/**
 * Where a streamed reply's pieces go, in OpenAI's delta vocabulary: content text, the start of a tool call (its
 * index, id and name), fragments of its arguments, and a keep-alive while nothing is ready. The server writes them
 * as SSE chunks; a write that fails means the client has gone.
 */
interface DeltaSink {
    void content(String text) throws IOException;

    void toolCallStart(int index, String id, String name) throws IOException;

    void toolCallArguments(int index, String fragment) throws IOException;

    void heartbeat() throws IOException;
}
