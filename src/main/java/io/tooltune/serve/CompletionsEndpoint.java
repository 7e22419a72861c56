package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.tooltune.Json;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.tooltune.serve.ChatRequest.present;

/**
 * The legacy {@code POST /v1/completions}: each prompt (a string, or a list of strings) goes to the model as written,
 * without a chat prompt, and its {@code n} choices come back as generated (choice {@code p * n + i} is prompt p's
 * i-th, drawing from seed + i when seeded). Sampling, penalties, logit_bias and stop are validated as the chat path
 * validates them; max_tokens defaults to 16 as in OpenAI's API. {@code logprobs} is the legacy integer (0 to
 * {@link #MAX_LOGPROBS}: that many alternatives per token, besides the chosen one), answered in the legacy shape
 * {@code {tokens, token_logprobs, top_logprobs, text_offset}}. Streamed, every choice's text leaves as it is decoded,
 * each chunk with its tokens' logprobs. What this server cannot do faithfully (echo, suffix, best_of above n,
 * token-id prompts) is refused with a 400 naming the parameter.
 */
final class CompletionsEndpoint {
    static final int DEFAULT_MAX_TOKENS = 16;
    /** OpenAI's limit on the legacy logprobs. */
    static final int MAX_LOGPROBS = 5;

    private CompletionsEndpoint() {}

    static void handle(Context ctx, ServedModel served, JsonNode body, ChatServer.Submitter submitter) throws IOException {
        List<String> prompts = prompts(body);
        ChatRequest sampling = sampling(body, prompts.getFirst());
        served.checkModel(sampling.model());
        sampling.checkLogitBias(served.backend().vocabularySize());
        int maxTokens = sampling.maxTokens() == null ? DEFAULT_MAX_TOKENS : sampling.maxTokens();
        ModelBackend.Scoring scoring = new ModelBackend.Scoring(sampling.presencePenalty(), sampling.frequencyPenalty(),
                sampling.logitBias(), sampling.topLogprobs() == null ? ModelBackend.Scoring.NONE.topLogprobs() : sampling.topLogprobs());
        List<ModelBackend.Job> jobs = new ArrayList<>();
        for (String prompt : prompts) {
            ModelBackend.Job job = served.job(prompt, 1, maxTokens, sampling.temperature(), sampling.topP(), sampling.seed(),
                    sampling.stop(), null).withScoring(scoring);
            for (int i = 0; i < sampling.n(); i++) jobs.add(job.forChoice(i));
        }
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        String model = served.backend().modelId();
        boolean logprobs = sampling.topLogprobs() != null;
        if (body.path("stream").asBoolean(false)) {
            stream(ctx, served.backend(), jobs, submitter, new Head(id, created, model), logprobs, sampling.n(), sampling.includeUsage());
            return;
        }
        List<CompletableFuture<Completion>> futures = new ArrayList<>();
        for (ModelBackend.Job job : jobs) futures.add(submitter.submit(served.backend(), job));
        HttpIo.respondWhenDone(ctx, all(futures), done -> {
            ObjectNode out = new Head(id, created, model).node();
            ArrayNode choices = out.putArray("choices");
            for (int i = 0; i < done.size(); i++) {
                Completion c = done.get(i);
                JsonNode lp = null;
                if (logprobs) {
                    List<TokenLogprob> tokens = new ArrayList<>();
                    for (VisibleTokens.Piece piece : VisibleTokens.pieces(c.text(), c.text(), c.logprobs())) tokens.addAll(piece.tokens());
                    lp = new LegacyLogprobs().of(tokens);
                }
                choice(choices, i, c.text(), lp, finish(c));
            }
            out.set("usage", usage(done, sampling.n()));
            return out;
        });
    }

    private static List<String> prompts(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid("invalid_request", "the request body must be a JSON object");
        JsonNode prompt = body.get("prompt");
        if (!present(prompt)) throw ApiException.invalidParam("prompt", "invalid_value", "required");
        if (prompt.isTextual()) return List.of(prompt.asText());
        if (prompt.isArray() && !prompt.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < prompt.size(); i++) {
                if (!prompt.get(i).isTextual()) {
                    throw ApiException.invalidParam("prompt", "unsupported_parameter", "prompt[" + i
                            + "] must be a string (token-id prompts are not supported)");
                }
                out.add(prompt.get(i).asText());
            }
            return out;
        }
        throw ApiException.invalidParam("prompt", "invalid_value", "a string or a non-empty array of strings");
    }

    /**
     * The request's settings, validated by the chat request parser (same field names and bounds); the legacy integer
     * logprobs becomes chat's logprobs with that many top_logprobs.
     */
    private static ChatRequest sampling(JsonNode body, String firstPrompt) {
        if (body.path("echo").asBoolean(false)) {
            throw ApiException.invalidParam("echo", "unsupported_parameter", "only false is supported");
        }
        if (present(body.get("suffix"))) {
            throw ApiException.invalidParam("suffix", "unsupported_parameter", "not supported (no insertion mode)");
        }
        ObjectNode chat = Json.MAPPER.createObjectNode();
        for (String field : List.of("model", "max_tokens", "temperature", "top_p", "stop", "seed", "stream_options", "n",
                "presence_penalty", "frequency_penalty", "logit_bias")) {
            if (present(body.get(field))) chat.set(field, body.get(field));
        }
        JsonNode lp = body.get("logprobs");
        if (present(lp)) {
            if (!lp.canConvertToInt() || !lp.isIntegralNumber() || lp.asInt() < 0 || lp.asInt() > MAX_LOGPROBS) {
                throw ApiException.invalidParam("logprobs", "invalid_value", "an integer in [0, " + MAX_LOGPROBS + "]");
            }
            chat.put("logprobs", true).put("top_logprobs", lp.asInt());
        }
        chat.putArray("messages").addObject().put("role", "user").put("content", firstPrompt);
        ChatRequest req = ChatRequest.parse(chat);
        JsonNode bestOf = body.get("best_of");
        if (present(bestOf) && !(bestOf.canConvertToInt() && bestOf.asInt() == req.n())) {
            throw ApiException.invalidParam("best_of", "unsupported_parameter",
                    "only equal to n is supported (no server-side ranking of candidates)");
        }
        return req;
    }

    /** Every choice's text as it is decoded, one chunk per piece (with its tokens' logprobs), then its finish chunk. */
    private static void stream(Context ctx, ModelBackend backend, List<ModelBackend.Job> jobs, ChatServer.Submitter submitter,
                               Head head, boolean logprobs, int n, boolean includeUsage) throws IOException {
        ChoiceStreams choices = new ChoiceStreams();
        for (ModelBackend.Job job : jobs) choices.start(submitter, backend, job);
        SseStream out;
        try {
            out = SseStream.open(ctx);
        } catch (IOException e) {
            choices.cancel();
            throw e;
        }
        List<ReplyStream> streams = new ArrayList<>();
        List<TextSink> sinks = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            streams.add(new ReplyStream.Plain(false, List.of()));
            sinks.add(new TextSink(out, head, i, logprobs ? new LegacyLogprobs() : null));
        }
        List<Completion> done;
        try {
            done = choices.follow(streams, sinks, (i, c) -> {
                streams.get(i).finish(new AssistantReply(c.text(), List.of(), finish(c)), c, sinks.get(i));
                ObjectNode last = head.node();
                choice(last.putArray("choices"), i, "", null, finish(c));
                out.data(last);
            }, out::keepAlive);
        } catch (ExecutionException e) {
            out.data(HttpIo.errorBody(HttpIo.failure(e)));
            out.done();
            return;
        }
        if (includeUsage) {
            ObjectNode u = head.node();
            u.putArray("choices");
            u.set("usage", usage(done, n));
            out.data(u);
        }
        out.done();
    }

    /** One choice's text chunks. */
    private record TextSink(SseStream out, Head head, int index, LegacyLogprobs logprobs) implements DeltaSink {
        @Override
        public void content(String text) throws IOException {
            content(text, List.of());
        }

        @Override
        public void content(String text, List<TokenLogprob> tokens) throws IOException {
            ObjectNode chunk = head.node();
            choice(chunk.putArray("choices"), index, text, logprobs == null ? null : logprobs.of(tokens), null);
            out.data(chunk);
        }

        @Override
        public void toolCallStart(int index, String id, String name) {
            throw new IllegalStateException("a plain completion has no tool calls");
        }

        @Override
        public void toolCallArguments(int index, String fragment) {
            throw new IllegalStateException("a plain completion has no tool calls");
        }

        @Override
        public void heartbeat() throws IOException {
            out.keepAlive();
        }
    }

    /**
     * The legacy logprobs object over consecutive tokens of one completion: each token's text on its own, its
     * log-probability, the top alternatives with the chosen token (a map from token text), and where the token
     * starts in the completion's text (where the one before it ended).
     */
    static final class LegacyLogprobs {
        private int end;

        ObjectNode of(List<TokenLogprob> tokens) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            ArrayNode texts = o.putArray("tokens");
            ArrayNode lps = o.putArray("token_logprobs");
            ArrayNode tops = o.putArray("top_logprobs");
            ArrayNode offsets = o.putArray("text_offset");
            for (TokenLogprob t : tokens) {
                texts.add(t.token());
                lps.add(t.logprob());
                ObjectNode top = tops.addObject();
                for (TokenLogprob.Alternative a : t.top()) top.put(a.token(), a.logprob());
                top.put(t.token(), t.logprob());
                offsets.add(end);
                end = Math.max(end, t.textEnd());
            }
            return o;
        }
    }

    /** All completions in order; cancelling it, or any one failing, cancels the others. */
    private static CompletableFuture<List<Completion>> all(List<CompletableFuture<Completion>> futures) {
        CompletableFuture<List<Completion>> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
        all.whenComplete((v, e) -> {
            if (e != null) futures.forEach(f -> f.cancel(true));
        });
        futures.forEach(f -> f.whenComplete((v, e) -> {
            if (e != null) futures.forEach(g -> g.cancel(true));
        }));
        return all;
    }

    /** The fields every body and chunk of one request starts with. */
    private record Head(String id, long created, String model) {
        ObjectNode node() {
            return Json.MAPPER.createObjectNode().put("id", id).put("object", "text_completion").put("created", created)
                    .put("model", model);
        }
    }

    private static void choice(ArrayNode choices, int index, String text, JsonNode logprobs, String finish) {
        ObjectNode c = choices.addObject().put("index", index).put("text", text);
        c.set("logprobs", logprobs == null ? Json.MAPPER.nullNode() : logprobs);
        if (finish == null) c.putNull("finish_reason");
        else c.put("finish_reason", finish);
    }

    private static String finish(Completion c) {
        return c.hitMaxTokens() ? "length" : "stop";
    }

    /** Every prompt counted once (its choices share it), the completion tokens of every choice. */
    private static ObjectNode usage(List<Completion> done, int n) {
        int prompt = 0;
        for (int i = 0; i < done.size(); i += n) prompt += done.get(i).promptTokens();
        return ChoiceJson.usage(prompt, done.stream().mapToInt(Completion::completionTokens).sum());
    }
}
