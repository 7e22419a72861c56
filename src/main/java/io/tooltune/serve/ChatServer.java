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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

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
        req.checkLogitBias(backend.vocabularySize());
        Grammar grammar = Constraints.grammar(req, format);
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
        // stop strings apply to the visible reply (AssistantReply.stoppedAt); in ReAct text they would cut the scaffolding
        List<String> generatorStops = format == PromptFormat.REACT ? List.of() : req.stop();
        ModelBackend.Scoring scoring = new ModelBackend.Scoring(req.presencePenalty(), req.frequencyPenalty(),
                req.logitBias(), req.topLogprobs() == null ? ModelBackend.Scoring.NONE.topLogprobs() : req.topLogprobs());
        ModelBackend.Job job = new ModelBackend.Job(rendered.prompt(), maxTokens, req.temperature() == null ? 1.0 : req.temperature(),
                req.topP() == null ? 1.0 : req.topP(), req.seed(), generatorStops, grammar, scoring);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        CompletableFuture<List<Completion>> future = completeAll(job, req.n());
        if (req.stream()) {
            stream(ex, req, rendered, id, created, future);
        } else {
            respond(ex, req, rendered, id, created, future);
        }
    }

    private void respond(HttpExchange ex, ChatRequest req, PromptMapper.Rendered rendered, String id, long created,
                         CompletableFuture<List<Completion>> future) throws IOException {
        OutputStream[] out = {null};
        List<Completion> completions;
        try {
            completions = await(future, () -> {
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
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", backend.modelId());
        ArrayNode choices = body.putArray("choices");
        for (int i = 0; i < completions.size(); i++) {
            Completion c = completions.get(i);
            AssistantReply reply = reply(req, rendered, c);
            choices.add(ChoiceJson.choice(i, reply, VisibleTokens.pieces(reply.content(), c.text(), c.logprobs()),
                    req.topLogprobs() != null));
        }
        body.set("usage", ChoiceJson.usage(completions));
        if (out[0] == null) {
            sendJson(ex, 200, body);
        } else {
            out[0].write(Json.MAPPER.writeValueAsBytes(body));
        }
    }

    /**
     * {@code n} completions of {@code job}, choice i drawing from seed + i (when seeded) so that the choices differ
     * and each is reproducible; cancelling the result cancels them all.
     */
    private CompletableFuture<List<Completion>> completeAll(ModelBackend.Job job, int n) {
        List<CompletableFuture<Completion>> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) parts.add(backend.complete(job.seed() == null ? job : job.withSeed(job.seed() + i)));
        CompletableFuture<List<Completion>> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
        all.whenComplete((r, e) -> {
            if (e != null) parts.forEach(p -> p.cancel(true));
        });
        return all;
    }

    /** JSON output and the ReAct prompt's forced calls through {@link Constraints}; otherwise the prompt format's mapping. */
    private AssistantReply reply(ChatRequest req, PromptMapper.Rendered rendered, Completion c) {
        AssistantReply mapped = format == PromptFormat.REACT || req.responseFormat() != null
                ? Constraints.reply(req, rendered, c) : format.reply(rendered, c);
        return mapped.stoppedAt(req.stop());
    }

    private void stream(HttpExchange ex, ChatRequest req, PromptMapper.Rendered rendered, String id, long created,
                        CompletableFuture<List<Completion>> future) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        List<Completion> completions;
        try {
            for (int i = 0; i < req.n(); i++) {
                sendChunk(out, chunk(id, created, i, d -> d.put("role", "assistant").put("content", ""), null, null));
            }
        } catch (IOException e) {
            future.cancel(true);
            throw e;
        }
        try {
            completions = await(future, () -> {
                out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            });
        } catch (ExecutionException e) {
            sendChunk(out, errorBody(failure(e)));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (int choice = 0; choice < completions.size(); choice++) {
            Completion c = completions.get(choice);
            AssistantReply reply = reply(req, rendered, c);
            streamChoice(out, req, id, created, choice, reply, c);
            sendChunk(out, chunk(id, created, choice, d -> {}, null, reply.finishReason()));
        }
        if (req.includeUsage()) {
            ObjectNode u = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                    .put("created", created).put("model", backend.modelId());
            u.putArray("choices");
            u.set("usage", ChoiceJson.usage(completions));
            sendChunk(out, u);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One choice's deltas: its tool calls, or its content (token by token, with their logprobs, when asked for). */
    private void streamChoice(OutputStream out, ChatRequest req, String id, long created, int choice,
                              AssistantReply reply, Completion c) throws IOException {
        boolean logprobs = req.topLogprobs() != null;
        if (reply.hasToolCalls()) {
            for (int i = 0; i < reply.toolCalls().size(); i++) {
                ChatRequest.ToolCall call = reply.toolCalls().get(i);
                int index = i;
                sendChunk(out, chunk(id, created, choice, d -> {
                    ObjectNode tc = d.putArray("tool_calls").addObject().put("index", index).put("id", call.id()).put("type", "function");
                    tc.putObject("function").put("name", call.name()).put("arguments", "");
                }, null, null));
                for (String piece : slices(call.arguments(), 8)) {
                    sendChunk(out, chunk(id, created, choice, d -> d.putArray("tool_calls").addObject().put("index", index)
                            .putObject("function").put("arguments", piece), null, null));
                }
            }
        } else if (logprobs) {
            for (VisibleTokens.Piece piece : VisibleTokens.pieces(reply.content(), c.text(), c.logprobs())) {
                sendChunk(out, chunk(id, created, choice, d -> d.put("content", piece.text()),
                        ChoiceJson.logprobs(List.of(piece)), null));
            }
        } else {
            for (String piece : pieces(reply.content())) {
                sendChunk(out, chunk(id, created, choice, d -> d.put("content", piece), null, null));
            }
        }
    }

    /** Writes a heartbeat; fails once the client has gone. */
    private interface Heartbeat {
        void send() throws IOException;
    }

    /**
     * Waits for the completion, sending a heartbeat every second; a failed heartbeat (client gone) or an interrupt
     * cancels the completion. A failed or cancelled completion comes out as ExecutionException.
     */
    private static <T> T await(CompletableFuture<T> future, Heartbeat heartbeat)
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

    /** Text cut into word-sized fragments (each keeps its leading whitespace), as a token stream would arrive. */
    static List<String> pieces(String s) {
        if (s.isEmpty()) return List.of();
        return List.of(s.split("(?=\\s+\\S)"));
    }

    /** Fixed-size slices, for streaming a call's arguments in several fragments. */
    static List<String> slices(String s, int size) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < s.length(); i += size) out.add(s.substring(i, Math.min(s.length(), i + size)));
        return out;
    }

    private ObjectNode chunk(String id, long created, int choice, Consumer<ObjectNode> delta, JsonNode logprobs,
                             String finish) {
        return ChoiceJson.chunk(id, created, backend.modelId(), choice, delta, logprobs, finish);
    }

    private static void sendChunk(OutputStream out, JsonNode node) throws IOException {
        out.write(("data: " + Json.MAPPER.writeValueAsString(node) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode errorBody(ApiException e) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode err = body.putObject("error").put("message", e.getMessage()).put("type", e.type());
        if (e.param() == null) err.putNull("param");
        else err.put("param", e.param());
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
