package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.tooltune.Json;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.tooltune.serve.ChatRequest.present;

/**
 * The legacy {@code POST /v1/completions}: each prompt (a string, or a list of strings, one choice each) goes to
 * the model as written, without a chat prompt, and the text comes back as generated. Sampling parameters are
 * validated as the chat path validates them; max_tokens defaults to 16 as in OpenAI's API. What this server cannot
 * do faithfully (echo, suffix, logprobs, best_of, n > 1, token-id prompts, penalties, logit_bias) is refused.
 */
final class CompletionsEndpoint {
    static final int DEFAULT_MAX_TOKENS = 16;

    private CompletionsEndpoint() {}

    static void handle(Context ctx, ServedModel served, JsonNode body, ChatServer.Submitter submitter) throws IOException {
        List<String> prompts = prompts(body);
        ChatRequest sampling = sampling(body, prompts.getFirst());
        served.checkModel(sampling.model());
        int maxTokens = sampling.maxTokens() == null ? DEFAULT_MAX_TOKENS : sampling.maxTokens();
        List<ModelBackend.Job> jobs = new ArrayList<>();
        for (String prompt : prompts) {
            jobs.add(served.job(prompt, 1, maxTokens, sampling.temperature(), sampling.topP(), sampling.seed(), sampling.stop(), null));
        }
        List<CompletableFuture<Completion>> futures = new ArrayList<>();
        for (ModelBackend.Job job : jobs) futures.add(submitter.submit(served.backend(), job));
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        String model = served.backend().modelId();
        if (body.path("stream").asBoolean(false)) {
            stream(ctx, futures, id, created, model, sampling.includeUsage());
        } else {
            HttpIo.respondWhenDone(ctx, all(futures), done -> {
                ObjectNode out = head(id, created, model);
                ArrayNode choices = out.putArray("choices");
                for (int i = 0; i < done.size(); i++) choice(choices, i, done.get(i).text(), finish(done.get(i)));
                out.set("usage", usage(done));
                return out;
            });
        }
    }

    private static List<String> prompts(JsonNode body) {
        if (body == null || !body.isObject()) throw ApiException.invalid("invalid_request", "the request body must be a JSON object");
        JsonNode prompt = body.get("prompt");
        if (!present(prompt)) throw ApiException.invalid("invalid_value", "prompt: required");
        if (prompt.isTextual()) return List.of(prompt.asText());
        if (prompt.isArray() && !prompt.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < prompt.size(); i++) {
                if (!prompt.get(i).isTextual()) {
                    throw ApiException.invalid("unsupported_parameter", "prompt[" + i + "]: must be a string (token-id prompts are not supported)");
                }
                out.add(prompt.get(i).asText());
            }
            return out;
        }
        throw ApiException.invalid("invalid_value", "prompt: a string or a non-empty array of strings");
    }

    /** The request's sampling settings, validated by the chat request parser (same field names and bounds). */
    private static ChatRequest sampling(JsonNode body, String firstPrompt) {
        if (body.path("echo").asBoolean(false)) throw ApiException.invalid("unsupported_parameter", "echo: only false is supported");
        for (String field : List.of("suffix", "logprobs", "logit_bias")) {
            if (present(body.get(field))) throw ApiException.invalid("unsupported_parameter", field + ": not supported on /v1/completions");
        }
        for (String field : List.of("presence_penalty", "frequency_penalty")) {
            if (present(body.get(field)) && body.get(field).asDouble() != 0) {
                throw ApiException.invalid("unsupported_parameter", field + ": not supported on /v1/completions");
            }
        }
        for (String field : List.of("n", "best_of")) {
            JsonNode v = body.get(field);
            if (present(v) && !(v.canConvertToInt() && v.asInt() == 1)) {
                throw ApiException.invalid("unsupported_parameter", field + ": only 1 is supported on /v1/completions");
            }
        }
        ObjectNode chat = Json.MAPPER.createObjectNode();
        for (String field : List.of("model", "max_tokens", "temperature", "top_p", "stop", "seed", "stream_options")) {
            if (present(body.get(field))) chat.set(field, body.get(field));
        }
        chat.putArray("messages").addObject().put("role", "user").put("content", firstPrompt);
        return ChatRequest.parse(chat);
    }

    private static void stream(Context ctx, List<CompletableFuture<Completion>> futures, String id, long created, String model,
                               boolean includeUsage) throws IOException {
        SseStream out;
        try {
            out = SseStream.open(ctx);
        } catch (IOException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        List<Completion> done = new ArrayList<>();
        try {
            for (CompletableFuture<Completion> f : futures) done.add(out.await(f));
        } catch (ExecutionException | IOException e) {
            futures.forEach(f -> f.cancel(true));
            if (e instanceof IOException io) throw io;
            out.data(HttpIo.errorBody(HttpIo.failure((ExecutionException) e)));
            out.done();
            return;
        }
        for (int i = 0; i < done.size(); i++) {
            for (String piece : TextPieces.words(done.get(i).text())) {
                ObjectNode chunk = head(id, created, model);
                choice(chunk.putArray("choices"), i, piece, null);
                out.data(chunk);
            }
            ObjectNode last = head(id, created, model);
            choice(last.putArray("choices"), i, "", finish(done.get(i)));
            out.data(last);
        }
        if (includeUsage) {
            ObjectNode u = head(id, created, model);
            u.putArray("choices");
            u.set("usage", usage(done));
            out.data(u);
        }
        out.done();
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

    private static ObjectNode head(String id, long created, String model) {
        return Json.MAPPER.createObjectNode().put("id", id).put("object", "text_completion").put("created", created).put("model", model);
    }

    private static void choice(ArrayNode choices, int index, String text, String finish) {
        ObjectNode c = choices.addObject().put("index", index).put("text", text);
        c.putNull("logprobs");
        if (finish == null) c.putNull("finish_reason");
        else c.put("finish_reason", finish);
    }

    private static String finish(Completion c) {
        return c.hitMaxTokens() ? "length" : "stop";
    }

    private static ObjectNode usage(List<Completion> done) {
        // one completion per prompt: every prompt counts
        return ChoiceJson.usage(done.stream().mapToInt(Completion::promptTokens).sum(),
                done.stream().mapToInt(Completion::completionTokens).sum());
    }
}
