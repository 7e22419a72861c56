package io.tooltune.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tooltune.Json;
import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a completion's raw text, fed piece by piece as it is decoded, into the deltas of the reply the client will
 * get, sending only what is already known to be part of it. Each prompt format decides what is visible
 * ({@link #advance}); at the end, {@link #finish} compares with the reply mapped from the whole text and sends
 * what is missing (all of it, for a backend that does not stream). What was sent cannot be taken back: where the
 * final reply disagrees with it, nothing more is sent for that part. The request's stop strings cut the content
 * (a tail that may still become one is held back), and each content delta carries the generated tokens behind it:
 * those ending inside the raw text received so far and after the point where the content starts, as
 * {@link VisibleTokens} finds them in a whole completion.
 */
abstract class ReplyStream {
    /** A tool call being streamed: its id, name and the arguments sent so far. */
    private record Call(String id, String name, StringBuilder arguments) {}

    private final StringBuilder raw = new StringBuilder();
    private final int prefillLength;
    private final List<String> stops;
    private String sentContent = "";
    private final List<Call> calls = new ArrayList<>();
    private final List<TokenLogprob> pending = new ArrayList<>();
    private int tokensSeen;
    /** Where the last token handed on or dropped ends in the raw text. */
    private int tokensEnd;

    /**
     * {@code prefill}: the start of the reply that a forced tool choice put into the prompt; the model continues it,
     * so the raw text the formats read begins with it (it is never sent as content by itself). {@code stops}: the
     * request's stop strings, applied to the content.
     */
    ReplyStream(String prefill, List<String> stops) {
        raw.append(prefill);
        this.prefillLength = prefill.length();
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** The stream for a request: JSON output as plain text, else by the prompt format. */
    static ReplyStream of(PromptFormat format, ChatRequest req, PromptMapper.Rendered rendered) {
        if (req.responseFormat() != null) return new Plain(false, req.stop());
        if (format == PromptFormat.REACT) return new ReactReplyStream(rendered, req.stop());
        return rendered.callable().isEmpty() ? new Plain(true, req.stop()) : new TemplateReplyStream(rendered.prefill(), req.stop());
    }

    /** Feeds the next piece of raw text and sends what became visible. */
    final void text(String piece, DeltaSink sink) throws IOException {
        raw.append(piece);
        advance(raw.toString(), sink);
    }

    /** Feeds a generated token's log-probability; it goes out with the content it produced. */
    final void token(TokenLogprob t) {
        pending.add(t);
        tokensSeen++;
    }

    /** Looks at the raw text so far (the prefill first) and sends what is now certain, through {@link #content} and the call methods. */
    abstract void advance(String text, DeltaSink sink) throws IOException;

    /**
     * Sends the part of {@code visible} (the content known so far, which starts at {@code from} in the raw text) not
     * sent yet, if what was sent is its prefix; a stop string cuts it, and a tail that may become one waits.
     */
    final void content(String visible, int from, DeltaSink sink) throws IOException {
        sendContent(visible, from, false, sink);
    }

    private void sendContent(String visible, int from, boolean whole, DeltaSink sink) throws IOException {
        String cut = whole ? visible : stopped(visible);
        if (cut.length() > sentContent.length() && cut.startsWith(sentContent)) {
            sink.content(cut.substring(sentContent.length()), tokensUpTo(from, whole ? Integer.MAX_VALUE : raw.length()));
            sentContent = cut;
        }
    }

    /** {@code visible} before its first stop string, less a tail that may still become one. */
    private String stopped(String visible) {
        int end = visible.length();
        for (String s : stops) {
            int at = visible.indexOf(s);
            if (at >= 0) end = Math.min(end, at);
        }
        if (end < visible.length()) return visible.substring(0, end);
        int held = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, end); k > held; k--) {
                if (visible.startsWith(s.substring(0, k), end - k)) {
                    held = k;
                    break;
                }
            }
        }
        return visible.substring(0, end - held);
    }

    /**
     * The pending tokens that end by {@code rawEnd} in the raw text, less those that end before the content's start
     * and those that add no text (the rest of a character an earlier token began), as {@link VisibleTokens} counts.
     */
    private List<TokenLogprob> tokensUpTo(int from, int rawEnd) {
        List<TokenLogprob> out = new ArrayList<>();
        int taken = 0;
        for (TokenLogprob t : pending) {
            int end = prefillLength + t.textEnd();
            if (end > rawEnd) break;
            taken++;
            if (end > from && end > tokensEnd) out.add(t);
            tokensEnd = Math.max(tokensEnd, end);
        }
        pending.subList(0, taken).clear();
        return out;
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
     * Sends what the final {@code reply} of completion {@code c} has beyond what was streamed; the completion's
     * tokens that were not handed over while it was decoded go with the rest of the content.
     */
    final void finish(AssistantReply reply, Completion c, DeltaSink sink) throws IOException {
        List<TokenLogprob> all = c.logprobs();
        if (tokensSeen < all.size()) {
            pending.addAll(all.subList(tokensSeen, all.size()));
            tokensSeen = all.size();
        }
        if (!reply.hasToolCalls()) {
            if (calls.isEmpty() && reply.content() != null) {
                int from = sentContent.isEmpty() ? prefillLength + contentStart(c, reply.content()) : 0;
                sendContent(reply.content(), from, true, sink);
            }
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

    /**
     * {@code reply} with each tool call's arguments as this stream writes them from the completion's whole text,
     * where the two are the same JSON value written differently: a key the model gives twice stays twice, as
     * generated, where the reply's parse kept one member with the last value. A stream cannot know that a member it
     * sent will be given again, so only this form lets a streamed call's fragments join to exactly the final
     * arguments; it is also what OpenAI returns (a call's arguments as the model wrote them), and a client's JSON
     * parser reads the same last value from it. To be called on a fresh stream; it reads the text and sends nothing.
     */
    final AssistantReply withArgumentsAsWritten(AssistantReply reply, Completion c) {
        if (!reply.hasToolCalls()) return reply;
        try {
            text(c.text(), DISCARD);
        } catch (IOException e) {
            throw new IllegalStateException("a discarding sink does not write", e);
        }
        List<ChatRequest.ToolCall> out = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < reply.toolCalls().size(); i++) {
            ChatRequest.ToolCall want = reply.toolCalls().get(i);
            String written = i < calls.size() && calls.get(i).name().equals(want.name()) ? calls.get(i).arguments().toString() : null;
            if (written != null && !written.equals(want.arguments()) && sameJson(written, want.arguments())) {
                want = new ChatRequest.ToolCall(want.id(), want.name(), written);
                changed = true;
            }
            out.add(want);
        }
        return changed ? new AssistantReply(reply.content(), out, reply.finishReason()) : reply;
    }

    private static boolean sameJson(String a, String b) {
        try {
            return Json.MAPPER.readTree(a).equals(Json.MAPPER.readTree(b));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** A sink for reading a whole text without sending it. */
    private static final DeltaSink DISCARD = new DeltaSink() {
        @Override
        public void content(String text) {}

        @Override
        public void toolCallStart(int index, String id, String name) {}

        @Override
        public void toolCallArguments(int index, String fragment) {}

        @Override
        public void heartbeat() {}
    };

    /** Where {@code content} sits in the completion's text (0 where it is not there verbatim). */
    private static int contentStart(Completion c, String content) {
        return content.isEmpty() ? 0 : Math.max(0, c.text().lastIndexOf(content));
    }

    /** All of the text is content (JSON output; a chat-template reply when no tools are offered, stripped). */
    static final class Plain extends ReplyStream {
        private final boolean strip;

        Plain(boolean strip, List<String> stops) {
            super("", stops);
            this.strip = strip;
        }

        @Override
        void advance(String text, DeltaSink sink) throws IOException {
            if (!strip) {
                content(text, 0, sink);
                return;
            }
            int lead = 0;
            while (lead < text.length() && Character.isWhitespace(text.charAt(lead))) lead++;
            content(text.strip(), lead, sink);
        }
    }
}
