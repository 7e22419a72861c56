package io.tooltune.serve;

import io.tooltune.inference.Completion;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Generation timings on an injected clock: time to first token always, time per output token only when streamed. */
class ServerMetricsTest {
    private static Map<String, Double> scrape(ServerMetrics m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        return ServerOpsTest.samples(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void streamedGenerationsGiveTimePerOutputToken() throws Exception {
        AtomicLong now = new AtomicLong();
        ServerMetrics metrics = new ServerMetrics(Optional::empty, now::get);
        ServerMetrics.Generation g = metrics.generation();
        assertEquals(1.0, scrape(metrics).get("tooltune_generations_in_flight"));
        now.set(300_000_000L);
        g.firstToken();
        now.set(1_300_000_000L);
        g.firstToken(); // only the first counts
        now.set(2_300_000_000L);
        g.finished(new Completion("x", 7, 21, false));
        Map<String, Double> m = scrape(metrics);
        assertEquals(0.3, m.get("tooltune_time_to_first_token_seconds_sum"), 1e-9);
        assertEquals(1.0, m.get("tooltune_time_to_first_token_seconds_bucket{le=\"0.5\"}"));
        assertEquals(0.0, m.get("tooltune_time_to_first_token_seconds_bucket{le=\"0.25\"}"));
        assertEquals(0.1, m.get("tooltune_time_per_output_token_seconds_sum"), 1e-9, "2 s over the 20 tokens after the first");
        assertEquals(7.0, m.get("tooltune_prompt_tokens_total"));
        assertEquals(21.0, m.get("tooltune_completion_tokens_total"));
        assertEquals(0.0, m.get("tooltune_generations_in_flight"));
    }

    @Test
    void wholeCompletionsHaveTheirFirstTokenAtTheEnd() throws Exception {
        AtomicLong now = new AtomicLong();
        ServerMetrics metrics = new ServerMetrics(Optional::empty, now::get);
        ServerMetrics.Generation g = metrics.generation();
        now.set(2_000_000_000L);
        g.finished(new Completion("x", 7, 21, false));
        g.abandoned(); // a late cancel after the end changes nothing
        ServerMetrics.Generation cancelled = metrics.generation();
        cancelled.abandoned();
        Map<String, Double> m = scrape(metrics);
        assertEquals(2.0, m.get("tooltune_time_to_first_token_seconds_sum"), 1e-9);
        assertEquals(1.0, m.get("tooltune_time_to_first_token_seconds_count"));
        assertEquals(0.0, m.get("tooltune_time_per_output_token_seconds_count"));
        assertEquals(0.0, m.get("tooltune_generations_in_flight"));
        assertEquals(21.0, m.get("tooltune_completion_tokens_total"));
    }
}
