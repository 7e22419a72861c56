package io.tooltune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.tooltune.Json;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /v1/responses}: the request goes down the chat path ({@link ResponsesInput}, then the served model's
 * prompt, grammar and reply mapping), and the reply comes back as Responses output items: a function_call item per
 * tool call, else one assistant message. A length cut makes the response "incomplete" (reason max_output_tokens).
 * Streaming sends the Responses event sequence (response.created ... response.completed) with sequence numbers;
 * nothing is stored, so every response says {@code "store": false}.
 */
final class ResponsesEndpoint {
    private ResponsesEndpoint() {}

    static void handle(Context ctx, ServedModel served, JsonNode body, ChatServer.Submitter submitter) throws IOException {
        ChatRequest req = ResponsesInput.toChat(body);
        ServedModel.ChatPlan plan = served.plan(req);
        Shape shape = new Shape("resp_" + hex(), System.currentTimeMillis() / 1000, served.backend().modelId(), body);
        CompletableFuture<Completion> future = submitter.submit(served.backend(), plan.job());
        if (body.path("stream").asBoolean(false)) {
            stream(ctx, served, plan, shape, future);
        } else {
            HttpIo.respondWhenDone(ctx, future, c -> {
                AssistantReply reply = served.reply(plan, c);
                return shape.response(status(reply), items(reply, "completed"), c);
            });
        }
    }

    private static String status(AssistantReply reply) {
        return reply.finishReason().equals("length") ? "incomplete" : "completed";
    }

    /** The output items of a reply, each with {@code itemStatus}. */
    private static ArrayNode items(AssistantReply reply, String itemStatus) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (reply.hasToolCalls()) {
            for (ChatRequest.ToolCall call : reply.toolCalls()) {
                out.addObject().put("type", "function_call").put("id", "fc_" + hex()).put("call_id", call.id())
                        .put("name", call.name()).put("arguments", call.arguments()).put("status", itemStatus);
            }
        } else {
            ObjectNode msg = out.addObject().put("type", "message").put("id", "msg_" + hex())
                    .put("status", reply.finishReason().equals("length") ? "incomplete" : itemStatus).put("role", "assistant");
            msg.putArray("content").add(textPart(reply.content()));
        }
        return out;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    private static void stream(Context ctx, ServedModel served, ServedModel.ChatPlan plan, Shape shape,
                               CompletableFuture<Completion> future) throws IOException {
        Events events;
        try {
            events = new Events(SseStream.open(ctx));
            ObjectNode pending = shape.response("in_progress", Json.MAPPER.createArrayNode(), null);
            events.emit("response.created").set("response", pending);
            events.flush();
            events.emit("response.in_progress").set("response", pending);
            events.flush();
        } catch (IOException e) {
            future.cancel(true);
            throw e;
        }
        Completion c;
        try {
            c = events.out.await(future);
        } catch (ExecutionException e) {
            ApiException err = HttpIo.failure(e);
            ObjectNode failed = shape.response("failed", Json.MAPPER.createArrayNode(), null);
            failed.putObject("error").put("code", err.code()).put("message", err.getMessage());
            events.emit("response.failed").set("response", failed);
            events.flush();
            return;
        }
        AssistantReply reply = served.reply(plan, c);
        ArrayNode items = items(reply, "completed");
        for (int i = 0; i < items.size(); i++) {
            ObjectNode item = (ObjectNode) items.get(i);
            if (item.get("type").asText().equals("message")) {
                streamMessage(events, i, item, reply.content());
            } else {
                streamCall(events, i, item);
            }
            events.emit("response.output_item.done").put("output_index", i).set("item", item);
            events.flush();
        }
        String status = status(reply);
        events.emit(status.equals("completed") ? "response.completed" : "response.incomplete")
                .set("response", shape.response(status, items, c));
        events.flush();
    }

    private static void streamMessage(Events events, int index, ObjectNode item, String text) throws IOException {
        String id = item.get("id").asText();
        ObjectNode added = item.deepCopy().put("status", "in_progress");
        added.putArray("content");
        events.emit("response.output_item.added").put("output_index", index).set("item", added);
        events.flush();
        events.emit("response.content_part.added").put("item_id", id).put("output_index", index).put("content_index", 0)
                .set("part", textPart(""));
        events.flush();
        for (String piece : TextPieces.words(text)) {
            events.emit("response.output_text.delta").put("item_id", id).put("output_index", index).put("content_index", 0)
                    .put("delta", piece).putArray("logprobs");
            events.flush();
        }
        events.emit("response.output_text.done").put("item_id", id).put("output_index", index).put("content_index", 0)
                .put("text", text).putArray("logprobs");
        events.flush();
        events.emit("response.content_part.done").put("item_id", id).put("output_index", index).put("content_index", 0)
                .set("part", textPart(text));
        events.flush();
    }

    private static void streamCall(Events events, int index, ObjectNode item) throws IOException {
        String id = item.get("id").asText();
        String arguments = item.get("arguments").asText();
        ObjectNode added = item.deepCopy().put("arguments", "").put("status", "in_progress");
        events.emit("response.output_item.added").put("output_index", index).set("item", added);
        events.flush();
        for (String piece : TextPieces.slices(arguments, 8)) {
            events.emit("response.function_call_arguments.delta").put("item_id", id).put("output_index", index).put("delta", piece);
            events.flush();
        }
        events.emit("response.function_call_arguments.done").put("item_id", id).put("output_index", index)
                .put("name", item.get("name").asText()).put("arguments", arguments);
        events.flush();
    }

    /** Named events with increasing sequence numbers; {@link #emit} starts one, {@link #flush} sends it. */
    private static final class Events {
        private final SseStream out;
        private int sequence;
        private ObjectNode current;

        Events(SseStream out) {
            this.out = out;
        }

        ObjectNode emit(String type) {
            current = Json.MAPPER.createObjectNode().put("type", type).put("sequence_number", sequence++);
            return current;
        }

        void flush() throws IOException {
            out.event(current.get("type").asText(), current);
        }
    }

    /** The response object's fields that echo the request. */
    private record Shape(String id, long createdAt, String model, JsonNode request) {
        ObjectNode response(String status, ArrayNode output, Completion c) {
            ObjectNode r = Json.MAPPER.createObjectNode().put("id", id).put("object", "response").put("created_at", createdAt)
                    .put("status", status).put("model", model);
            r.putNull("error");
            if (status.equals("incomplete")) r.putObject("incomplete_details").put("reason", "max_output_tokens");
            else r.putNull("incomplete_details");
            r.set("instructions", request.path("instructions").isTextual() ? request.get("instructions") : null);
            r.set("max_output_tokens", request.path("max_output_tokens").isInt() ? request.get("max_output_tokens") : null);
            r.set("metadata", request.path("metadata").isObject() ? request.get("metadata") : Json.MAPPER.createObjectNode());
            r.set("output", output);
            r.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
            r.putNull("previous_response_id");
            ObjectNode reasoning = r.putObject("reasoning");
            reasoning.putNull("effort");
            reasoning.putNull("summary");
            r.put("store", false);
            r.put("temperature", request.path("temperature").isNumber() ? request.get("temperature").asDouble() : 1.0);
            JsonNode format = request.path("text").path("format");
            r.putObject("text").set("format", format.isObject() ? format : Json.MAPPER.createObjectNode().put("type", "text"));
            r.set("tool_choice", request.hasNonNull("tool_choice") ? request.get("tool_choice") : Json.MAPPER.getNodeFactory().textNode("auto"));
            r.set("tools", request.path("tools").isArray() ? request.get("tools") : Json.MAPPER.createArrayNode());
            r.put("top_p", request.path("top_p").isNumber() ? request.get("top_p").asDouble() : 1.0);
            r.put("truncation", "disabled");
            if (c == null) {
                r.putNull("usage");
            } else {
                ObjectNode u = r.putObject("usage").put("input_tokens", c.promptTokens());
                u.putObject("input_tokens_details").put("cached_tokens", 0).put("cache_write_tokens", 0);
                u.put("output_tokens", c.completionTokens());
                u.putObject("output_tokens_details").put("reasoning_tokens", 0);
                u.put("total_tokens", c.promptTokens() + c.completionTokens());
            }
            r.putNull("user");
            return r;
        }
    }

    private static String hex() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
