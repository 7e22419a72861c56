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
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /v1/responses}: the request goes down the chat path ({@link ResponsesInput}, then the served model's
 * prompt, grammar and reply mapping), and the reply comes back as Responses output items: a function_call item per
 * tool call, else one assistant message. A length cut makes the response "incomplete" (reason max_output_tokens).
 * Streaming sends the Responses event sequence (response.created ... response.completed) with sequence numbers, each
 * delta as soon as the tokens behind it are decoded; nothing is stored, so every response says {@code "store": false}.
 * With {@code include: ["message.output_text.logprobs"]}, each output_text.delta carries its own tokens'
 * {@code {token, logprob, top_logprobs: [{token, logprob}]}} and the output_text part all of them, with their bytes
 * ({@code {token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}}), as OpenAI's Responses API does.
 */
final class ResponsesEndpoint {
    private ResponsesEndpoint() {}

    static void handle(Context ctx, ServedModel served, JsonNode body, ChatServer.Submitter submitter) throws IOException {
        ChatRequest req = ResponsesInput.toChat(body);
        ServedModel.ChatPlan plan = served.plan(req);
        Shape shape = new Shape("resp_" + hex(), System.currentTimeMillis() / 1000, served.backend().modelId(), body);
        boolean logprobs = req.topLogprobs() != null;
        if (body.path("stream").asBoolean(false)) {
            stream(ctx, served, plan, shape, submitter, logprobs);
        } else {
            HttpIo.respondWhenDone(ctx, submitter.submit(served.backend(), plan.job()), c -> {
                AssistantReply reply = served.reply(plan, c);
                List<TokenLogprob> tokens = new ArrayList<>();
                if (logprobs) {
                    for (VisibleTokens.Piece p : VisibleTokens.pieces(reply.content(), c.text(), c.logprobs())) tokens.addAll(p.tokens());
                }
                return shape.response(status(reply), items(reply, "completed", tokens), c);
            });
        }
    }

    private static String status(AssistantReply reply) {
        return reply.finishReason().equals("length") ? "incomplete" : "completed";
    }

    /** The output items of a reply, each with {@code itemStatus}; {@code tokens}: those behind its content. */
    private static ArrayNode items(AssistantReply reply, String itemStatus, List<TokenLogprob> tokens) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (reply.hasToolCalls()) {
            for (ChatRequest.ToolCall call : reply.toolCalls()) {
                out.add(callItem(call.id(), call.name(), call.arguments(), itemStatus));
            }
        } else {
            out.add(messageItem(reply.content(), reply.finishReason().equals("length") ? "incomplete" : itemStatus,
                    ChoiceJson.tokens(tokens, true)));
        }
        return out;
    }

    private static ObjectNode callItem(String callId, String name, String arguments, String status) {
        return Json.MAPPER.createObjectNode().put("type", "function_call").put("id", "fc_" + hex()).put("call_id", callId)
                .put("name", name).put("arguments", arguments).put("status", status);
    }

    private static ObjectNode messageItem(String text, String status, ArrayNode logprobs) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "message").put("id", "msg_" + hex())
                .put("status", status).put("role", "assistant");
        msg.putArray("content").add(textPart(text, logprobs));
        return msg;
    }

    private static ObjectNode textPart(String text, ArrayNode logprobs) {
        ObjectNode part = Json.MAPPER.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.set("logprobs", logprobs);
        return part;
    }

    /**
     * Streams the Responses events as the tokens are decoded: the chat path's {@link ReplyStream} decides what is
     * visible, and {@link ItemEvents} turns its deltas into output items (text deltas of a message, argument deltas
     * of each function call); the final response lists the items as streamed.
     */
    private static void stream(Context ctx, ServedModel served, ServedModel.ChatPlan plan, Shape shape,
                               ChatServer.Submitter submitter, boolean logprobs) throws IOException {
        ChoiceStreams choice = new ChoiceStreams();
        choice.start(submitter, served.backend(), plan.job());
        Events events;
        try {
            events = new Events(SseStream.open(ctx));
            ObjectNode pending = shape.response("in_progress", Json.MAPPER.createArrayNode(), null);
            events.emit("response.created").set("response", pending);
            events.flush();
            events.emit("response.in_progress").set("response", pending);
            events.flush();
        } catch (IOException e) {
            choice.cancel();
            throw e;
        }
        ReplyStream replyStream = ReplyStream.of(served.format(), plan.request(), plan.rendered());
        ItemEvents items = new ItemEvents(events, logprobs);
        try {
            choice.follow(List.of(replyStream), List.of(items), (i, c) -> {
                AssistantReply reply = served.reply(plan, c);
                replyStream.finish(reply, c, items);
                String status = status(reply);
                items.end(reply.finishReason().equals("length") ? "incomplete" : "completed");
                events.emit(status.equals("completed") ? "response.completed" : "response.incomplete")
                        .set("response", shape.response(status, items.output, c));
                events.flush();
            }, events.out::keepAlive);
        } catch (ExecutionException e) {
            ApiException err = HttpIo.failure(e);
            ObjectNode failed = shape.response("failed", Json.MAPPER.createArrayNode(), null);
            failed.putObject("error").put("code", err.code()).put("message", err.getMessage());
            events.emit("response.failed").set("response", failed);
            events.flush();
        }
    }

    /**
     * A reply's deltas as Responses events: content opens a message item (output_item.added, content_part.added) and
     * goes out as output_text.delta; a tool call closes the item before it and opens a function_call item whose
     * arguments go out as function_call_arguments.delta. {@link #close} ends the open item (a reply with nothing
     * in it is one empty message, as the non-streamed response has). With {@code logprobs}, each text delta carries
     * its tokens, and the message's text part all those sent.
     */
    private static final class ItemEvents implements DeltaSink {
        private final Events events;
        final ArrayNode output = Json.MAPPER.createArrayNode();
        private ObjectNode open;
        private final StringBuilder text = new StringBuilder();
        private final boolean logprobs;
        private final List<TokenLogprob> tokens = new ArrayList<>();

        ItemEvents(Events events, boolean logprobs) {
            this.events = events;
            this.logprobs = logprobs;
        }

        @Override
        public void content(String delta) throws IOException {
            content(delta, List.of());
        }

        @Override
        public void content(String delta, List<TokenLogprob> deltaTokens) throws IOException {
            if (open == null) {
                open = messageItem("", "in_progress", Json.MAPPER.createArrayNode());
                ObjectNode added = open.deepCopy();
                added.putArray("content");
                events.emit("response.output_item.added").put("output_index", output.size()).set("item", added);
                events.flush();
                events.emit("response.content_part.added").put("item_id", id()).put("output_index", output.size())
                        .put("content_index", 0).set("part", textPart("", Json.MAPPER.createArrayNode()));
                events.flush();
            }
            text.append(delta);
            List<TokenLogprob> sent = logprobs ? deltaTokens : List.of();
            tokens.addAll(sent);
            events.emit("response.output_text.delta").put("item_id", id()).put("output_index", output.size())
                    .put("content_index", 0).put("delta", delta).set("logprobs", ChoiceJson.tokens(sent, false));
            events.flush();
        }

        @Override
        public void toolCallStart(int index, String callId, String name) throws IOException {
            close("completed");
            open = callItem(callId, name, "", "in_progress");
            events.emit("response.output_item.added").put("output_index", output.size()).set("item", open.deepCopy());
            events.flush();
        }

        @Override
        public void toolCallArguments(int index, String fragment) throws IOException {
            text.append(fragment);
            events.emit("response.function_call_arguments.delta").put("item_id", id()).put("output_index", output.size())
                    .put("delta", fragment);
            events.flush();
        }

        @Override
        public void heartbeat() throws IOException {
            events.out.keepAlive();
        }

        /** Ends the reply: its open item with {@code status} (an empty message if no item was opened at all). */
        void end(String status) throws IOException {
            if (open == null && output.isEmpty()) content("");
            close(status);
        }

        private void close(String status) throws IOException {
            if (open == null) return;
            String all = text.toString();
            int index = output.size();
            if (open.get("type").asText().equals("message")) {
                events.emit("response.output_text.done").put("item_id", id()).put("output_index", index).put("content_index", 0)
                        .put("text", all).set("logprobs", ChoiceJson.tokens(tokens, false));
                events.flush();
                ObjectNode part = textPart(all, ChoiceJson.tokens(tokens, true));
                events.emit("response.content_part.done").put("item_id", id()).put("output_index", index).put("content_index", 0)
                        .set("part", part);
                events.flush();
                ((ArrayNode) open.get("content")).removeAll().add(part);
            } else {
                events.emit("response.function_call_arguments.done").put("item_id", id()).put("output_index", index)
                        .put("name", open.get("name").asText()).put("arguments", all);
                events.flush();
                open.put("arguments", all);
                status = "completed";
            }
            open.put("status", status);
            events.emit("response.output_item.done").put("output_index", index).set("item", open);
            events.flush();
            output.add(open);
            open = null;
            text.setLength(0);
            tokens.clear();
        }

        private String id() {
            return open.get("id").asText();
        }
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
            r.set("top_logprobs", request.path("top_logprobs").isInt() ? request.get("top_logprobs") : null);
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
