package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.OpenAiClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An OpenAI-compatible chat endpoint in prompt mode, as BFCL's OpenAI prompting handler queries it: the messages,
 * the model and the temperature, no tools; the reply's {@code content} is the result. The conversations of one call
 * are in flight together, so {@code bfcl run --batch-size} is the endpoint's concurrency.
 */
public final class EndpointPromptModel implements PromptModel {
    private final OpenAiClient client;
    private final String model;
    private final double temperature;

    public EndpointPromptModel(OpenAiClient client, String model, double temperature) {
        this.client = client;
        this.model = model;
        this.temperature = temperature;
    }

    /** The conversations are sent at once (one request each); any failure fails the whole call. */
    @Override
    public List<String> complete(List<List<ObjectNode>> conversations) throws IOException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> replies = new ArrayList<>();
            for (List<ObjectNode> messages : conversations) replies.add(pool.submit(() -> reply(messages)));
            List<String> out = new ArrayList<>(replies.size());
            for (Future<String> f : replies) out.add(f.get());
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private String reply(List<ObjectNode> messages) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
        ArrayNode m = body.putArray("messages");
        messages.forEach(m::add);
        body.put("temperature", temperature);
        JsonNode content = client.complete(body).path("choices").path(0).path("message").path("content");
        if (content.isMissingNode()) throw new IOException("endpoint reply has no choices[0].message.content");
        return content.isNull() ? "" : content.asText();
    }
}
