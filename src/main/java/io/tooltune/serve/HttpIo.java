package io.tooltune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.tooltune.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * JSON bodies and errors in OpenAI's shape, and waiting for a completion with heartbeats. While a completion is
 * pending a heartbeat goes out every second (an SSE comment when streaming, a JSON-insignificant space otherwise),
 * so that a client that went away is noticed by the failed write and its completion is cancelled, freeing its
 * batch slot. Once a heartbeat has been sent the status is committed (200), so a failure after that arrives as an
 * error body rather than as a 5xx status.
 */
final class HttpIo {
    static final long HEARTBEAT_MS = 1000;

    private HttpIo() {}

    /** Writes a heartbeat; fails once the client has gone. */
    interface Heartbeat {
        void send() throws IOException;
    }

    static JsonNode parseJson(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("invalid_json", "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.invalid("invalid_json", "malformed JSON: " + e.getMessage());
        }
    }

    static void sendJson(Context ctx, int status, JsonNode body) throws JsonProcessingException {
        ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
    }

    static ObjectNode errorBody(ApiException e) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode err = body.putObject("error").put("message", e.getMessage()).put("type", e.type());
        if (e.param() == null) err.putNull("param");
        else err.put("param", e.param());
        err.put("code", e.code());
        return body;
    }

    /** The error as the response, unless the response is already committed (then the request's own path reports it). */
    static void sendError(Context ctx, ApiException e) {
        if (ctx.res().isCommitted()) return;
        try {
            sendJson(ctx, e.status(), errorBody(e));
        } catch (JsonProcessingException | RuntimeException ignored) {
            // nothing more to tell this client
        }
    }

    /**
     * Answers with the JSON {@code body} of the completion(s) once done, sending a space every second meanwhile;
     * a failed completion is an error status, or an error body once a heartbeat committed the status.
     */
    static <T> void respondWhenDone(Context ctx, CompletableFuture<T> future, Function<T, JsonNode> body)
            throws IOException {
        OutputStream[] out = {null};
        T c;
        try {
            c = await(future, () -> {
                if (out[0] == null) {
                    ctx.res().setStatus(200);
                    ctx.res().setContentType("application/json");
                    out[0] = ctx.res().getOutputStream();
                }
                out[0].write(' ');
                out[0].flush();
            });
        } catch (ExecutionException e) {
            ApiException err = failure(e);
            if (out[0] == null) throw err;
            out[0].write(Json.MAPPER.writeValueAsBytes(errorBody(err)));
            return;
        }
        JsonNode json = body.apply(c);
        if (out[0] == null) {
            sendJson(ctx, 200, json);
        } else {
            out[0].write(Json.MAPPER.writeValueAsBytes(json));
            out[0].flush();
        }
    }

    /**
     * Waits for the completion, sending a heartbeat every second; a failed heartbeat (client gone) or an interrupt
     * cancels the completion. A failed or cancelled completion comes out as ExecutionException.
     */
    static <T> T await(CompletableFuture<T> future, Heartbeat heartbeat) throws IOException, ExecutionException {
        try {
            while (true) {
                try {
                    return future.get(HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    heartbeat.send();
                }
            }
        } catch (IOException e) {
            future.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (CancellationException e) {
            throw new ExecutionException(e);
        }
    }

    static ApiException failure(ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return cause instanceof ApiException a ? a : new ApiException(500, "server_error", "generation_failed", "generation failed: " + cause);
    }
}
