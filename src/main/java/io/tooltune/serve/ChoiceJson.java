package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The choice parts of Chat Completions bodies and chunks in OpenAI's shapes: a choice's message, its logprobs
 * ({@code {"content": [{token, logprob, bytes, top_logprobs}], "refusal": null}}, only when the request asked for
 * them, else null), chunks carrying a choice's {@code index}, and usage over all of a request's completions (the
 * prompt counted once, the completion tokens of every choice added up).
 */
final class ChoiceJson {
    private ChoiceJson() {}

    /** A non-streamed choice: the reply as a message, with logprobs of its content's tokens when asked for. */
    static ObjectNode choice(int index, AssistantReply reply, List<VisibleTokens.Piece> content, boolean logprobs) {
        ObjectNode choice = Json.MAPPER.createObjectNode().put("index", index);
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
        choice.set("logprobs", logprobs ? logprobs(content) : null);
        choice.put("finish_reason", reply.finishReason());
        return choice;
    }

    /** OpenAI's logprobs object over the tokens of {@code pieces}. */
    static ObjectNode logprobs(List<VisibleTokens.Piece> pieces) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.set("content", tokens(pieces.stream().flatMap(p -> p.tokens().stream()).toList(), true));
        o.putNull("refusal");
        return o;
    }

    /**
     * One {@code {token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}} per token; without {@code bytes}
     * (the Responses events' shape) the bytes fields are left out.
     */
    static ArrayNode tokens(List<TokenLogprob> tokens, boolean bytes) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (TokenLogprob t : tokens) {
            ObjectNode entry = entry(out.addObject(), t.token(), t.logprob(), bytes);
            ArrayNode top = entry.putArray("top_logprobs");
            for (TokenLogprob.Alternative a : t.top()) entry(top.addObject(), a.token(), a.logprob(), bytes);
        }
        return out;
    }

    private static ObjectNode entry(ObjectNode o, String token, double logprob, boolean withBytes) {
        o.put("token", token).put("logprob", logprob);
        if (!withBytes) return o;
        ArrayNode bytes = o.putArray("bytes");
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
        return o;
    }

    /** A {@code chat.completion.chunk} for choice {@code index}: its delta, logprobs (null: none) and finish reason. */
    static ObjectNode chunk(String id, long created, String model, int index, Consumer<ObjectNode> delta,
                            JsonNode logprobs, String finish) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", created).put("model", model);
        ObjectNode choice = o.putArray("choices").addObject().put("index", index);
        delta.accept(choice.putObject("delta"));
        choice.set("logprobs", logprobs == null ? Json.MAPPER.nullNode() : logprobs);
        if (finish == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finish);
        return o;
    }

    /** Usage of one request: its prompt once, the completion tokens of all its choices. */
    static ObjectNode usage(List<Completion> choices) {
        return usage(choices.get(0).promptTokens(), choices.stream().mapToInt(Completion::completionTokens).sum());
    }

    /** OpenAI's usage object. */
    static ObjectNode usage(int prompt, int completion) {
        return Json.MAPPER.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }
}
