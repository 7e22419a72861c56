package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.backend.OpenAiClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI-compatible chat endpoint in prompt mode, as BFCL's OpenAI prompting handler queries it: the messages,
 * the model and the temperature, no tools; the reply's {@code content} is the result.
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

    @Override
    public List<String> complete(List<List<ObjectNode>> conversations) throws IOException {
        List<String> out = new ArrayList<>(conversations.size());
        for (List<ObjectNode> messages : conversations) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
            ArrayNode m = body.putArray("messages");
            messages.forEach(m::add);
            body.put("temperature", temperature);
            JsonNode content = client.complete(body).path("choices").path(0).path("message").path("content");
            if (content.isMissingNode()) throw new IOException("endpoint reply has no choices[0].message.content");
            out.add(content.isNull() ? "" : content.asText());
        }
        return out;
    }
}
