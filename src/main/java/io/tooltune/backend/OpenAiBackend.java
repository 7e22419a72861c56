package io.tooltune.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;

/**
 * Any OpenAI-compatible chat endpoint with tools (the ChatGPT-CoT / ChatGPT-DFSDT baselines). As ToolBench's
 * ChatGPT backend: messages flagged {@code "valid": false} are left out, max_tokens 1024 (unless told otherwise), penalties 0, and a
 * called name containing "." is cut to its last segment. The history's function_call / function messages are
 * sent in the tools form (tool_calls with ids, role "tool"); the first tool call of a reply becomes its
 * function_call.
 */
public final class OpenAiBackend implements ChatBackend {
    private final OpenAiClient client;
    private final String model;
    private final double temperature;
    private final int maxTokens;

    /** ToolBench's settings: max_tokens {@value #TOOLBENCH_MAX_TOKENS}. */
    public static final int TOOLBENCH_MAX_TOKENS = 1024;

    public OpenAiBackend(OpenAiClient client, String model, double temperature) {
        this(client, model, temperature, TOOLBENCH_MAX_TOKENS);
    }

    public OpenAiBackend(OpenAiClient client, String model, double temperature, int maxTokens) {
        this.client = client;
        this.model = model;
        this.temperature = temperature;
        this.maxTokens = maxTokens;
    }

    @Override
    public Reply chat(List<ObjectNode> messages, ArrayNode functions) throws IOException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
        body.set("messages", AgentMessages.openAiMessages(messages, false));
        body.set("tools", AgentMessages.tools(functions));
        body.put("max_tokens", maxTokens).put("temperature", temperature).put("frequency_penalty", 0).put("presence_penalty", 0);

        JsonNode resp = send(body);
        JsonNode msg = resp.path("choices").path(0).path("message");
        if (!msg.isObject()) throw new IOException("endpoint reply has no choices[0].message");
        ObjectNode reply = Json.MAPPER.createObjectNode().put("role", "assistant");
        JsonNode content = msg.get("content");
        if (content != null && !content.isNull() && !content.asText().isEmpty()) reply.put("content", content.asText());
        JsonNode fc = msg.path("tool_calls").path(0).path("function");
        if (fc.isMissingNode()) fc = msg.path("function_call");
        if (fc.isObject()) {
            String name = fc.path("name").asText("");
            if (name.contains(".")) name = name.substring(name.lastIndexOf('.') + 1);
            JsonNode args = fc.get("arguments");
            reply.putObject("function_call").put("name", name)
                    .put("arguments", args == null || args.isNull() ? "" : args.isTextual() ? args.textValue() : args.toString());
        }
        return new Reply(reply, 0, resp.path("usage").path("total_tokens").asInt(0));
    }

    /**
     * A request the endpoint rejects for its content (400, 413, 422: e.g. a history over the context) is a failed
     * call, as in ToolBench; refused credentials stop the run; anything else left after the client's retries
     * (refused connections, timeouts, 429, 5xx, other statuses) leaves the query pending.
     */
    private JsonNode send(ObjectNode body) throws IOException {
        try {
            return client.complete(body);
        } catch (OpenAiClient.HttpStatusException e) {
            int status = e.status();
            if (status == 401 || status == 403) {
                throw new BackendFailure(client.url() + " refused the credentials (HTTP " + status
                        + "; is OPENAI_API_KEY right?)", e, true);
            }
            if (status == 400 || status == 413 || status == 422) throw e;
            throw new BackendFailure(e.getMessage(), e, false);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new BackendFailure(client.url() + ": " + e.getMessage(), e, false);
        }
    }
}
