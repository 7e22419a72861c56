package io.tooltune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.HttpServers;
import io.tooltune.Json;
import io.tooltune.generate.constrain.Grammar;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The OpenAI-compatible HTTP front: POST /v1/chat/completions (plain and streamed) and GET /v1/models, on the
 * JDK's HttpServer with one virtual thread per request. Requests are validated before any generation; the
 * backend batches concurrent ones. While a completion is pending the server writes a heartbeat every second
 * (an SSE comment when streaming, a JSON-insignificant space otherwise), so that a client that went away is
 * noticed by the failed write and its completion is cancelled, freeing its batch slot. Once a heartbeat has been
 * sent the status is committed (200), so a generation failure after that arrives as an error body (or, when
 * streaming, an error event before [DONE]) rather than as a 5xx status.
 */
public final class ChatServer implements AutoCloseable {
    static final int DEFAULT_MAX_TOKENS = 512;
    private static final long HEARTBEAT_MS = 1000;

    private final ModelBackend backend;
    private final RequestLimits limits;
    private final PromptFormat format;
    private final HttpServer http;
    private volatile String apiKey;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** A server speaking ToolLLaMA's ReAct prompt ({@link PromptFormat#REACT}). */
    public ChatServer(ModelBackend backend, String host, int port) throws IOException {
        this(backend, PromptFormat.REACT, host, port, RequestLimits.defaults());
    }

    public ChatServer(ModelBackend backend, String host, int port, RequestLimits limits) throws IOException {
        this(backend, PromptFormat.REACT, host, port, limits);
    }

    public ChatServer(ModelBackend backend, PromptFormat format, String host, int port) throws IOException {
        this(backend, format, host, port, RequestLimits.defaults());
    }

    public ChatServer(ModelBackend backend, PromptFormat format, String host, int port, RequestLimits limits) throws IOException {
        this.backend = backend;
        this.format = format;
        this.limits = limits;
        this.http = HttpServers.bind(host, port, 128);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /**
     * Requires {@code Authorization: Bearer KEY} on the API routes (OpenAI's 401 otherwise); null: no key. /health
     * and CORS preflights need none. Call before {@link #start()}.
     */
    public ChatServer requireApiKey(String key) {
        this.apiKey = key == null || key.isEmpty() ? null : key;
        return this;
    }

    public void start() {
        http.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            route(ex);
        }
    }

    private void route(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath().replaceAll("/+$", "");
            String method = ex.getRequestMethod();
            limits.checkOrigin(ex);
            if (method.equals("OPTIONS")) {
                RequestLimits.preflight(ex);
            } else if (path.equals("/health") && method.equals("GET")) {
                // the model is loaded before the server binds, so a server that answers is ready
                sendJson(ex, 200, Json.MAPPER.createObjectNode().put("status", "ok").put("model", backend.modelId()));
            } else if (!authorized(ex)) {
                throw new ApiException(401, "invalid_request_error", "invalid_api_key",
                        "Incorrect API key provided. Send it as 'Authorization: Bearer KEY'.");
            } else if (path.equals("/v1/models") && method.equals("GET")) {
                ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
                body.putArray("data").addObject().put("id", backend.modelId()).put("object", "model")
                        .put("created", 0).put("owned_by", "tooltune");
                sendJson(ex, 200, body);
            } else if (path.equals("/v1/models/" + backend.modelId()) && method.equals("GET")) {
                sendJson(ex, 200, Json.MAPPER.createObjectNode().put("id", backend.modelId()).put("object", "model")
                        .put("created", 0).put("owned_by", "tooltune"));
            } else if (path.equals("/v1/chat/completions")) {
                if (!method.equals("POST")) throw new ApiException(405, "invalid_request_error", "method_not_allowed", "use POST");
                chat(ex);
            } else {
                throw new ApiException(404, "invalid_request_error", "not_found", "no route " + method + " " + path);
            }
        } catch (ApiException e) {
            sendError(ex, e);
        } catch (IOException e) {
            // The client went away; nothing to answer.
        } catch (RuntimeException e) {
            sendError(ex, new ApiException(500, "server_error", "internal_error", "internal error: " + e));
        }
    }

    private boolean authorized(HttpExchange ex) {
        String key = apiKey;
        if (key == null) return true;
        String header = ex.getRequestHeaders().getFirst("Authorization");
        return header != null && MessageDigest.isEqual(header.strip().getBytes(StandardCharsets.UTF_8),
                ("Bearer " + key).getBytes(StandardCharsets.UTF_8));
    }

    private void chat(HttpExchange ex) throws IOException {
        JsonNode body;
        byte[] bytes = limits.readJsonBody(ex);
        try {
            body = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("invalid_json", "malformed JSON: " + e.getOriginalMessage());
        }
        ChatRequest req = ChatRequest.parse(body);
        if (!req.model().equals(backend.modelId())) {
            throw new ApiException(404, "invalid_request_error", "model_not_found", "The model '" + req.model() + "' does not exist; this server serves '" + backend.modelId() + "'");
        }
        // JSON output is the same text whatever the prompt; a forced tool call has a grammar only in the ReAct shape
        Grammar grammar = format == PromptFormat.REACT || req.responseFormat() != null ? Constraints.grammar(req) : null;
        int context = backend.contextLength();
        PromptMapper.Rendered rendered = format.render(req);
        RequestLimits.checkCheapBounds(req.messages().size(), rendered.prompt().length(), context);
        int promptTokens = backend.countTokens(rendered.prompt());
        if (promptTokens >= context) {
            throw ApiException.invalid("context_length_exceeded", "This model's maximum context length is " + context + " tokens; the prompt has " + promptTokens);
        }
        int maxTokens;
        if (req.maxTokens() != null) {
            maxTokens = req.maxTokens();
            if (promptTokens + maxTokens > context) {
                throw ApiException.invalid("context_length_exceeded", "This model's maximum context length is " + context + " tokens; the prompt has " + promptTokens + " and max_tokens asks for " + maxTokens);
            }
        } else {
            maxTokens = Math.min(DEFAULT_MAX_TOKENS, context - promptTokens);
        }
        ModelBackend.Job job = new ModelBackend.Job(rendered.prompt(), maxTokens, req.temperature() == null ? 1.0 : req.temperature(),
                req.topP() == null ? 1.0 : req.topP(), req.seed(), req.stop(), grammar);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) {
            stream(ex, req, rendered, id, created, job);
        } else {
            respond(ex, req, rendered, id, created, backend.complete(job));
        }
    }

    private void respond(HttpExchange ex, ChatRequest req, PromptMapper.Rendered rendered, String id, long created,
                         CompletableFuture<Completion> future) throws IOException {
        OutputStream[] out = {null};
        Completion c;
        try {
            c = await(future, () -> {
                if (out[0] == null) {
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, 0);
                    out[0] = ex.getResponseBody();
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
        AssistantReply reply = reply(req, rendered, c);
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", backend.modelId());
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode msg = choice.putObject("message").put("role", "assistant");
        if (reply.hasToolCalls()) {
            msg.putNull("content");
            ArrayNode calls = msg.putArray("tool_calls");
            for (ChatRequest.ToolCall call : reply.toolCalls()) {
                ObjectNode o = calls.addObject().put("id", call.id()).put("type", "function");
                o.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        } else {
            msg.put("content", reply.content());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", reply.finishReason());
        body.set("usage", usage(c));
        if (out[0] == null) {
            sendJson(ex, 200, body);
        } else {
            out[0].write(Json.MAPPER.writeValueAsBytes(body));
        }
    }

    /** JSON output and the ReAct prompt's forced calls through {@link Constraints}; otherwise the prompt format's mapping. */
    private AssistantReply reply(ChatRequest req, PromptMapper.Rendered rendered, Completion c) {
        return format == PromptFormat.REACT || req.responseFormat() != null ? Constraints.reply(req, rendered, c)
                : format.reply(rendered, c);
    }

    /**
     * Streams the reply as its tokens are decoded: the backend hands over raw text pieces, {@link ReplyStream} turns
     * them into the reply's deltas, and this writes them as SSE chunks.
     */
    private void stream(HttpExchange ex, ChatRequest req, PromptMapper.Rendered rendered, String id, long created,
                        ModelBackend.Job job) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        sendChunk(out, chunk(id, created, d -> d.put("role", "assistant").put("content", ""), null));
        DeltaSink sink = new DeltaSink() {
            @Override
            public void content(String text) throws IOException {
                sendChunk(out, chunk(id, created, d -> d.put("content", text), null));
            }

            @Override
            public void toolCallStart(int index, String callId, String name) throws IOException {
                sendChunk(out, chunk(id, created, d -> d.putArray("tool_calls").addObject().put("index", index).put("id", callId)
                        .put("type", "function").putObject("function").put("name", name).put("arguments", ""), null));
            }

            @Override
            public void toolCallArguments(int index, String fragment) throws IOException {
                sendChunk(out, chunk(id, created, d -> d.putArray("tool_calls").addObject().put("index", index)
                        .putObject("function").put("arguments", fragment), null));
            }

            @Override
            public void heartbeat() throws IOException {
                out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
        ReplyStream replyStream = ReplyStream.of(format, req, rendered);
        BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
        Completion c;
        try {
            c = replyStream.follow(backend.stream(job, pieces::add), pieces, sink, HEARTBEAT_MS);
        } catch (ExecutionException e) {
            sendChunk(out, errorBody(failure(e)));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        AssistantReply reply = reply(req, rendered, c);
        replyStream.finish(reply, sink);
        sendChunk(out, chunk(id, created, d -> {}, reply.finishReason()));
        if (req.includeUsage()) {
            ObjectNode u = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                    .put("created", created).put("model", backend.modelId());
            u.putArray("choices");
            u.set("usage", usage(c));
            sendChunk(out, u);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes a heartbeat; fails once the client has gone. */
    private interface Heartbeat {
        void send() throws IOException;
    }

    /**
     * Waits for the completion, sending a heartbeat every second; a failed heartbeat (client gone) or an interrupt
     * cancels the completion. A failed or cancelled completion comes out as ExecutionException.
     */
    private static Completion await(CompletableFuture<Completion> future, Heartbeat heartbeat)
            throws IOException, ExecutionException {
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

    private static ApiException failure(ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return cause instanceof ApiException a ? a : new ApiException(500, "server_error", "generation_failed", "generation failed: " + cause);
    }

    private ObjectNode chunk(String id, long created, java.util.function.Consumer<ObjectNode> delta, String finish) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", created).put("model", backend.modelId());
        ObjectNode choice = o.putArray("choices").addObject().put("index", 0);
        delta.accept(choice.putObject("delta"));
        choice.putNull("logprobs");
        if (finish == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finish);
        return o;
    }

    private static void sendChunk(OutputStream out, JsonNode node) throws IOException {
        out.write(("data: " + Json.MAPPER.writeValueAsString(node) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode usage(Completion c) {
        return Json.MAPPER.createObjectNode().put("prompt_tokens", c.promptTokens()).put("completion_tokens", c.completionTokens())
                .put("total_tokens", c.promptTokens() + c.completionTokens());
    }

    private static ObjectNode errorBody(ApiException e) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode err = body.putObject("error").put("message", e.getMessage()).put("type", e.type());
        err.putNull("param");
        err.put("code", e.code());
        return body;
    }

    private static void sendError(HttpExchange ex, ApiException e) {
        try {
            sendJson(ex, e.status(), errorBody(e));
        } catch (IOException | RuntimeException ignored) {
            // Headers already sent or the client is gone.
        }
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
