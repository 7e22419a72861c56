package io.tooltune.serve;

import io.tooltune.generate.TokenLogprob;
import io.tooltune.inference.Completion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The choices of one streamed request, followed as they are decoded. Each choice's backend hands its text pieces and
 * scored tokens to one queue, tagged with the choice; {@link #follow} feeds them to that choice's {@link ReplyStream}
 * in arrival order, so the choices' deltas interleave as their tokens come, and hands each choice's completion to
 * the caller as soon as it ends. Keep-alives go out while nothing arrives. One path for every stream: chat (any n,
 * with or without logprobs), Responses and legacy completions.
 */
final class ChoiceStreams {
    private sealed interface Event permits Text, Token, End {}

    private record Text(int choice, String piece) implements Event {}

    private record Token(int choice, TokenLogprob token) implements Event {}

    private record End(int choice) implements Event {}

    /** What the caller does when a choice has ended: send the rest of its reply and its end. */
    interface Ended {
        void ended(int choice, Completion c) throws IOException;
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<CompletableFuture<Completion>> futures = new ArrayList<>();

    /** Starts the next choice (numbered from 0 in the order started). */
    void start(ChatServer.Submitter submitter, ModelBackend backend, ModelBackend.Job job) {
        int choice = futures.size();
        CompletableFuture<Completion> f = submitter.submit(backend, job, piece -> events.add(new Text(choice, piece)),
                token -> events.add(new Token(choice, token)));
        futures.add(f);
        // after the backend's last piece: it hands them over before completing the future
        f.whenComplete((c, e) -> events.add(new End(choice)));
    }

    /** Cancels every choice, which frees their places in the batch. */
    void cancel() {
        futures.forEach(f -> f.cancel(true));
    }

    /**
     * Feeds every choice's pieces to {@code streams.get(choice)}, which sends through {@code sinks.get(choice)}, until
     * all have ended; returns their completions. A failed write (the client went away) or an interrupt cancels them
     * all; so does a choice that fails or is cancelled, which comes out as ExecutionException.
     */
    List<Completion> follow(List<ReplyStream> streams, List<? extends DeltaSink> sinks, Ended ended,
                            HttpIo.Heartbeat heartbeat) throws IOException, ExecutionException {
        Completion[] done = new Completion[futures.size()];
        int left = done.length;
        try {
            while (left > 0) {
                switch (events.poll(HttpIo.HEARTBEAT_MS, TimeUnit.MILLISECONDS)) {
                    case null -> heartbeat.send();
                    case Text t -> streams.get(t.choice()).text(t.piece(), sinks.get(t.choice()));
                    case Token t -> streams.get(t.choice()).token(t.token());
                    case End e -> {
                        Completion c = futures.get(e.choice()).get();
                        done[e.choice()] = c;
                        left--;
                        ended.ended(e.choice(), c);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            cancel();
            if (e instanceof IOException io) throw io;
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException | CancellationException e) {
            cancel();
            throw e instanceof ExecutionException ee ? ee : new ExecutionException(e);
        }
        return Arrays.asList(done);
    }
}
