package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.tooltune.HttpServers;
import io.tooltune.Json;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The OpenAI-compatible HTTP front on Javalin (Jetty, one virtual thread per request): POST /v1/chat/completions
 * (plain and streamed), POST /v1/completions, POST /v1/responses, GET /v1/models, and GET /health and /metrics.
 * Requests are validated before any generation; the backend batches concurrent ones. The server can start before
 * its model has loaded ({@link #loading}): /health then answers 503, and the API 503, until {@link #ready}.
 * Every refusal is a JSON error in OpenAI's shape; a request never takes the server down.
 */
public final class ChatServer implements AutoCloseable {
    private static final Set<String> ROUTES = Set.of("/health", "/metrics", "/v1/models", "/v1/chat/completions",
            "/v1/completions", "/v1/responses");
    private static final Set<String> OPEN_ROUTES = Set.of("/health", "/metrics");

    private final RequestLimits limits;
    private final String host;
    private final int requestedPort;
    private final ServerMetrics metrics;
    private final Javalin app;
    private volatile ServedModel served;
    private volatile String apiKey;

    /** A server speaking ToolLLaMA's ReAct prompt ({@link PromptFormat#REACT}). */
    public ChatServer(ModelBackend backend, String host, int port) {
        this(backend, PromptFormat.REACT, host, port, RequestLimits.defaults());
    }

    public ChatServer(ModelBackend backend, String host, int port, RequestLimits limits) {
        this(backend, PromptFormat.REACT, host, port, limits);
    }

    public ChatServer(ModelBackend backend, PromptFormat format, String host, int port) {
        this(backend, format, host, port, RequestLimits.defaults());
    }

    public ChatServer(ModelBackend backend, PromptFormat format, String host, int port, RequestLimits limits) {
        this(host, port, limits);
        ready(backend, format);
    }

    private ChatServer(String host, int port, RequestLimits limits) {
        this.host = host;
        this.requestedPort = port;
        this.limits = limits;
        this.metrics = new ServerMetrics(() -> {
            ServedModel s = served;
            return s == null ? Optional.empty() : s.backend().engineStats();
        }, System::nanoTime);
        this.app = HttpServers.create(this::routes);
    }

    /** A server with no model yet: start it, load the model, then call {@link #ready}. */
    public static ChatServer loading(String host, int port, RequestLimits limits) {
        return new ChatServer(host, port, limits);
    }

    /** Serves {@code backend}, prompted in {@code format}, from now on. */
    public void ready(ModelBackend backend, PromptFormat format) {
        this.served = new ServedModel(backend, format);
    }

    /**
     * Requires {@code Authorization: Bearer KEY} on every route but /health, /metrics and CORS preflights (OpenAI's
     * 401 otherwise); null: no key. Call before {@link #start()}.
     */
    public ChatServer requireApiKey(String key) {
        this.apiKey = key == null || key.isEmpty() ? null : key;
        return this;
    }

    /** Binds and starts answering; a taken port is a {@link io.tooltune.BadInputException} naming it. */
    public void start() {
        HttpServers.start(app, host, requestedPort);
    }

    /** The bound port (useful with port 0), once started. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private void routes(JavalinConfig config) {
        config.routes.before(ctx -> {
            limits.checkOrigin(ctx);
            // deny by default: only preflights and the two operator routes go without the key
            boolean open = ctx.method() == HandlerType.OPTIONS || OPEN_ROUTES.contains(ctx.path().replaceAll("/+$", ""));
            if (!open && !authorized(ctx)) {
                throw new ApiException(401, "invalid_request_error", "invalid_api_key",
                        "Incorrect API key provided. Send it as 'Authorization: Bearer KEY'.");
            }
        });
        config.routes.after(ctx -> metrics.request(endpointLabel(ctx.path()), ctx.status().getCode()));
        config.routes.exception(ApiException.class, (e, ctx) -> HttpIo.sendError(ctx, e));
        config.routes.exception(IOException.class, (e, ctx) -> {
            // the client went away; nothing to answer
        });
        config.routes.exception(Exception.class, (e, ctx) -> HttpIo.sendError(ctx,
                new ApiException(500, "server_error", "internal_error", "internal error: " + e)));

        config.routes.options("/*", ctx -> RequestLimits.preflight(ctx));
        config.routes.get("/health", this::health);
        config.routes.get("/metrics", ctx -> {
            ctx.status(200).contentType(ServerMetrics.CONTENT_TYPE);
            metrics.write(ctx.res().getOutputStream());
        });
        config.routes.get("/v1/models", ctx -> {
            ObjectNode body = Json.MAPPER.createObjectNode().put("object", "list");
            body.putArray("data").add(model(served()));
            HttpIo.sendJson(ctx, 200, body);
        });
        config.routes.get("/v1/models/<id>", ctx -> { // <id>: model ids may hold a slash
            ServedModel s = served();
            if (!ctx.pathParam("id").equals(s.backend().modelId())) throw notFound(ctx);
            HttpIo.sendJson(ctx, 200, model(s));
        });
        config.routes.post("/v1/chat/completions", ctx -> chat(ctx, ChatRequest.parse(body(ctx))));
        config.routes.post("/v1/completions", ctx -> CompletionsEndpoint.handle(ctx, served(), body(ctx), this::submit));
        config.routes.post("/v1/responses", ctx -> ResponsesEndpoint.handle(ctx, served(), body(ctx), this::submit));
        for (HandlerType method : HandlerType.commonHttp()) {
            if (method == HandlerType.OPTIONS) continue;
            config.routes.addHttpHandler(method, "/*", ctx -> {
                if (ROUTES.contains(ctx.path().replaceAll("/+$", ""))) {
                    throw new ApiException(405, "invalid_request_error", "method_not_allowed", "use " + allowed(ctx.path()));
                }
                throw notFound(ctx);
            });
        }
    }

    private static String allowed(String path) {
        return path.startsWith("/v1/models") || path.startsWith("/health") || path.startsWith("/metrics") ? "GET" : "POST";
    }

    private static ApiException notFound(Context ctx) {
        return new ApiException(404, "invalid_request_error", "not_found", "no route " + ctx.method() + " " + ctx.path());
    }

    /** A bounded label: the route, or "other" for paths that matched none (so scanners cannot grow the series). */
    private static String endpointLabel(String path) {
        String p = path.replaceAll("/+$", "");
        if (ROUTES.contains(p)) return p;
        return p.startsWith("/v1/models/") ? "/v1/models/{id}" : "other";
    }

    private void health(Context ctx) throws IOException {
        ServedModel s = served;
        if (s == null) {
            HttpIo.sendJson(ctx, 503, Json.MAPPER.createObjectNode().put("status", "loading"));
        } else {
            HttpIo.sendJson(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ok").put("model", s.backend().modelId()));
        }
    }

    private ServedModel served() {
        ServedModel s = served;
        if (s == null) {
            throw new ApiException(503, "server_error", "model_loading", "the model is still loading; GET /health answers 200 once it is ready");
        }
        return s;
    }

    private static ObjectNode model(ServedModel s) {
        return Json.MAPPER.createObjectNode().put("id", s.backend().modelId()).put("object", "model").put("created", 0)
                .put("owned_by", "tooltune");
    }

    private boolean authorized(Context ctx) {
        String key = apiKey;
        if (key == null) return true;
        String header = ctx.header("Authorization");
        return header != null && MessageDigest.isEqual(header.strip().getBytes(StandardCharsets.UTF_8),
                ("Bearer " + key).getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode body(Context ctx) throws IOException {
        return HttpIo.parseJson(limits.readJsonBody(ctx));
    }

    /**
     * Starts a job on the backend, counted in the metrics until it finishes, fails or is cancelled, handing each piece
     * of text to {@code onText} and each scored token to {@code onToken} as they are decoded; the first piece marks
     * the generation's first token for the metrics.
     */
    private CompletableFuture<Completion> submit(ModelBackend backend, ModelBackend.Job job, Consumer<String> onText,
                                                 Consumer<TokenLogprob> onToken) {
        ServerMetrics.Generation generation = metrics.generation();
        CompletableFuture<Completion> future = backend.stream(job, piece -> {
            generation.firstToken();
            onText.accept(piece);
        }, onToken);
        future.whenComplete((c, e) -> {
            if (e == null) generation.finished(c);
            else generation.abandoned();
        });
        return future;
    }

    /** How an endpoint starts a job, so that every generation is counted the same way. */
    interface Submitter {
        CompletableFuture<Completion> submit(ModelBackend backend, ModelBackend.Job job, Consumer<String> onText,
                                             Consumer<TokenLogprob> onToken);

        /** A job whose pieces are not followed (the caller waits for the completion). */
        default CompletableFuture<Completion> submit(ModelBackend backend, ModelBackend.Job job) {
            return submit(backend, job, piece -> { }, token -> { });
        }
    }

    private void chat(Context ctx, ChatRequest req) throws IOException {
        ServedModel s = served();
        ServedModel.ChatPlan plan = s.plan(req);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) {
            stream(ctx, s, plan, id, created);
            return;
        }
        CompletableFuture<List<Completion>> future = completeAll(s.backend(), plan.job(), req.n());
        HttpIo.respondWhenDone(ctx, future, c -> chatBody(s, plan, id, created, c));
    }

    /**
     * Streams every choice as its tokens are decoded: the backend hands over raw text pieces (and scored tokens),
     * a {@link ReplyStream} per choice turns them into the deltas of what will be visible (content, with its
     * logprobs when asked for, or tool calls name first), and when a choice ends it sends what the final reply has
     * beyond them, then the choice's finish chunk.
     */
    private void stream(Context ctx, ServedModel s, ServedModel.ChatPlan plan, String id, long created) throws IOException {
        String model = s.backend().modelId();
        ChatRequest req = plan.request();
        ChoiceStreams choices = new ChoiceStreams();
        for (int i = 0; i < req.n(); i++) choices.start(this::submit, s.backend(), plan.job().forChoice(i));
        SseStream out;
        try {
            out = SseStream.open(ctx);
            for (int i = 0; i < req.n(); i++) {
                out.data(ChoiceJson.chunk(id, created, model, i, d -> d.put("role", "assistant").put("content", ""), null, null));
            }
        } catch (IOException e) {
            choices.cancel();
            throw e;
        }
        List<ReplyStream> streams = new ArrayList<>();
        List<ChunkSink> sinks = new ArrayList<>();
        for (int i = 0; i < req.n(); i++) {
            streams.add(ReplyStream.of(s.format(), req, plan.rendered()));
            sinks.add(new ChunkSink(out, id, created, model, i, req.topLogprobs() != null));
        }
        List<Completion> completions;
        try {
            completions = choices.follow(streams, sinks, (i, c) -> {
                AssistantReply reply = s.reply(plan, c);
                streams.get(i).finish(reply, c, sinks.get(i));
                out.data(ChoiceJson.chunk(id, created, model, i, d -> {}, null, reply.finishReason()));
            }, out::keepAlive);
        } catch (ExecutionException e) {
            out.data(HttpIo.errorBody(HttpIo.failure(e)));
            out.done();
            return;
        }
        if (req.includeUsage()) {
            ObjectNode u = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                    .put("created", created).put("model", model);
            u.putArray("choices");
            u.set("usage", ChoiceJson.usage(completions));
            out.data(u);
        }
        out.done();
    }

    /** One choice's deltas as {@code chat.completion.chunk}s; content chunks carry their tokens' logprobs when asked for. */
    private record ChunkSink(SseStream out, String id, long created, String model, int choice, boolean logprobs)
            implements DeltaSink {
        @Override
        public void content(String text) throws IOException {
            content(text, List.of());
        }

        @Override
        public void content(String text, List<TokenLogprob> tokens) throws IOException {
            JsonNode lp = logprobs ? ChoiceJson.logprobs(List.of(new VisibleTokens.Piece(text, tokens))) : null;
            out.data(ChoiceJson.chunk(id, created, model, choice, d -> d.put("content", text), lp, null));
        }

        @Override
        public void toolCallStart(int index, String callId, String name) throws IOException {
            out.data(ChoiceJson.chunk(id, created, model, choice, d -> d.putArray("tool_calls").addObject().put("index", index)
                    .put("id", callId).put("type", "function").putObject("function").put("name", name)
                    .put("arguments", ""), null, null));
        }

        @Override
        public void toolCallArguments(int index, String fragment) throws IOException {
            out.data(ChoiceJson.chunk(id, created, model, choice, d -> d.putArray("tool_calls").addObject().put("index", index)
                    .putObject("function").put("arguments", fragment), null, null));
        }

        @Override
        public void heartbeat() throws IOException {
            out.keepAlive();
        }
    }

    /**
     * {@code n} completions of {@code job} ({@link ModelBackend.Job#forChoice}); cancelling the result cancels them all.
     */
    private CompletableFuture<List<Completion>> completeAll(ModelBackend backend, ModelBackend.Job job, int n) {
        Submitter submitter = this::submit;
        List<CompletableFuture<Completion>> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) parts.add(submitter.submit(backend, job.forChoice(i)));
        CompletableFuture<List<Completion>> all = CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> parts.stream().map(CompletableFuture::join).toList());
        all.whenComplete((r, e) -> {
            if (e != null) parts.forEach(p -> p.cancel(true));
        });
        return all;
    }

    private static ObjectNode chatBody(ServedModel s, ServedModel.ChatPlan plan, String id, long created,
                                       List<Completion> completions) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", s.backend().modelId());
        ArrayNode choices = body.putArray("choices");
        for (int i = 0; i < completions.size(); i++) {
            Completion c = completions.get(i);
            AssistantReply reply = s.reply(plan, c);
            choices.add(ChoiceJson.choice(i, reply, VisibleTokens.pieces(reply.content(), c.text(), c.logprobs()),
                    plan.request().topLogprobs() != null));
        }
        body.set("usage", ChoiceJson.usage(completions));
        return body;
    }
}
