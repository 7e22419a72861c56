package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.tooltune.Json;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A server-sent event stream answering a POST (Javalin's own SSE support serves GET EventSource clients only):
 * {@code data:} lines for chat and completion chunks, named events for the Responses API, keep-alive comments
 * while a completion is pending. Every write is flushed, so each event leaves at once.
 */
final class SseStream {
    private final OutputStream out;

    private SseStream(OutputStream out) {
        this.out = out;
    }

    /** Commits a 200 text/event-stream response. */
    static SseStream open(Context ctx) throws IOException {
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setHeader("Cache-Control", "no-cache");
        return new SseStream(ctx.res().getOutputStream());
    }

    void data(JsonNode node) throws IOException {
        write("data: " + Json.MAPPER.writeValueAsString(node) + "\n\n");
    }

    /** A named event, as the Responses API streams them. */
    void event(String type, JsonNode node) throws IOException {
        write("event: " + type + "\ndata: " + Json.MAPPER.writeValueAsString(node) + "\n\n");
    }

    void done() throws IOException {
        write("data: [DONE]\n\n");
    }

    /** The future's result, with keep-alive comments while it is pending (see {@link HttpIo#await}). */
    <T> T await(CompletableFuture<T> future) throws IOException, ExecutionException {
        return HttpIo.await(future, this::keepAlive);
    }

    /** A comment line: keeps proxies from closing an idle stream, and fails once the client has gone. */
    void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
