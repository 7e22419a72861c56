package io.tooltune.serve;

import io.tooltune.inference.Completion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Turns a completion's raw text, fed piece by piece as it is decoded, into the deltas of the reply the client will
 * get, sending only what is already known to be part of it. Each prompt format decides what is visible
 * ({@link #advance}); at the end, {@link #finish} compares with the reply mapped from the whole text and sends
 * what is missing (all of it, for a backend that does not stream). What was sent cannot be taken back: where the
 * final reply disagrees with it, nothing more is sent for that part.
 */
abstract class ReplyStream {
    /** A tool call being streamed: its id, name and the arguments sent so far. */
    private record Call(String id, String name, StringBuilder arguments) {}

    private final StringBuilder raw = new StringBuilder();
    private String sentContent = "";
    private final List<Call> calls = new ArrayList<>();

    /**
     * {@code prefill}: the start of the reply that a forced tool choice put into the prompt; the model continues it,
     * so the raw text the formats read begins with it (it is never sent as content by itself).
     */
    ReplyStream(String prefill) {
        raw.append(prefill);
    }

    /** The stream for a request: JSON output as plain text, else by the prompt format. */
    static ReplyStream of(PromptFormat format, ChatRequest req, PromptMapper.Rendered rendered) {
        if (req.responseFormat() != null) return new Plain(false);
        if (format == PromptFormat.REACT) return new ReactReplyStream(rendered);
        return rendered.callable().isEmpty() ? new Plain(true) : new TemplateReplyStream(rendered.prefill());
    }

    /** Feeds the next piece of raw text and sends what became visible. */
    final void text(String piece, DeltaSink sink) throws IOException {
        raw.append(piece);
        advance(raw.toString(), sink);
    }

    /** Looks at the raw text so far (the prefill first) and sends what is now certain, through {@link #content} and the call methods. */
    abstract void advance(String text, DeltaSink sink) throws IOException;

    /** Sends the part of {@code visible} (the content known so far) not sent yet, if what was sent is its prefix. */
    final void content(String visible, DeltaSink sink) throws IOException {
        if (visible.length() > sentContent.length() && visible.startsWith(sentContent)) {
            sink.content(visible.substring(sentContent.length()));
            sentContent = visible;
        }
    }

    /** Starts a new tool call; returns its index. */
    final int startCall(String name, DeltaSink sink) throws IOException {
        Call c = new Call(ReplyMapper.newCallId(), name, new StringBuilder());
        calls.add(c);
        sink.toolCallStart(calls.size() - 1, c.id(), name);
        return calls.size() - 1;
    }

    final void arguments(int index, String fragment, DeltaSink sink) throws IOException {
        if (fragment.isEmpty()) return;
        calls.get(index).arguments().append(fragment);
        sink.toolCallArguments(index, fragment);
    }

    /**
     * Follows a completion: feeds each piece from {@code pieces} (filled by the backend as tokens are decoded) as it
     * arrives, with a heartbeat after {@code heartbeatMs} without one, until the completion ends; returns it. A failed
     * write (the client went away) or an interrupt cancels the completion, which frees its place in the batch; a
     * failed or cancelled completion comes out as ExecutionException.
     */
    final Completion follow(CompletableFuture<Completion> future, BlockingQueue<String> pieces, DeltaSink sink,
                            long heartbeatMs) throws IOException, ExecutionException {
        String end = new String("end");
        future.whenComplete((c, e) -> pieces.add(end));
        try {
            while (true) {
                String piece = pieces.poll(heartbeatMs, TimeUnit.MILLISECONDS);
                if (piece == end) return future.get();
                if (piece == null) sink.heartbeat();
                else text(piece, sink);
            }
        } catch (IOException | InterruptedException e) {
            future.cancel(true);
            if (e instanceof IOException io) throw io;
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (CancellationException e) {
            throw new ExecutionException(e);
        }
    }

    /** Sends what the final {@code reply} has beyond what was streamed. */
    final void finish(AssistantReply reply, DeltaSink sink) throws IOException {
        if (!reply.hasToolCalls()) {
            if (calls.isEmpty() && reply.content() != null) content(reply.content(), sink);
            return;
        }
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            ChatRequest.ToolCall want = reply.toolCalls().get(i);
            if (i >= calls.size()) {
                arguments(startCall(want.name(), sink), want.arguments(), sink);
                continue;
            }
            Call sent = calls.get(i);
            String had = sent.arguments().toString();
            if (sent.name().equals(want.name()) && want.arguments().startsWith(had)) {
                arguments(i, want.arguments().substring(had.length()), sink);
            }
        }
    }

    /** All of the text is content (JSON output; a chat-template reply when no tools are offered, stripped). */
    static final class Plain extends ReplyStream {
        private final boolean strip;

        Plain(boolean strip) {
            super("");
            this.strip = strip;
        }

        @Override
        void advance(String text, DeltaSink sink) throws IOException {
            content(strip ? text.strip() : text, sink);
        }
    }
}
