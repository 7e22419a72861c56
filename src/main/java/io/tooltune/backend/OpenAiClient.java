package io.tooltune.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs to an OpenAI-compatible {@code <base>/chat/completions} (base URL ending in /v1, as OpenAI clients take it).
 * With a {@link Retry} policy, connection errors, timeouts, HTTP 429 and 5xx answers and replies the caller rejects
 * are tried again after an exponential backoff; other 4xx answers fail at once (asking again would not help).
 */
public final class OpenAiClient {
    /** {@code attempts} tries in all; the k-th retry waits {@code firstBackoff * 2^(k-1)}. */
    public record Retry(int attempts, Duration firstBackoff) {
        public static final Retry NONE = new Retry(1, Duration.ZERO);

        public Retry {
            if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1");
        }

        long backoffMillis(int retry) {
            return firstBackoff.toMillis() << (retry - 1);
        }
    }

    /** A non-200 answer; {@link #retryable()} for 429 and 5xx. */
    public static final class HttpStatusException extends IOException {
        private final int status;

        HttpStatusException(URI url, int status, String body) {
            super(url + ": HTTP " + status + " " + body.substring(0, Math.min(200, body.length())));
            this.status = status;
        }

        public int status() {
            return status;
        }

        public boolean retryable() {
            return status == 429 || status >= 500;
        }
    }

    /** Turns a parsed response into what the caller wants; an IOException rejects the reply (it is asked again). */
    @FunctionalInterface
    public interface ReplyReader<T> {
        T read(JsonNode response) throws IOException;
    }

    private final HttpClient http;
    private final URI url;
    private final String key;
    private final Duration timeout;
    private final Retry retry;

    /** One try per request. */
    public OpenAiClient(String baseUrl, String apiKey, Duration timeout) {
        this(baseUrl, apiKey, timeout, Retry.NONE);
    }

    /** {@code apiKey} null or empty: no Authorization header (local servers usually ignore it). */
    public OpenAiClient(String baseUrl, String apiKey, Duration timeout, Retry retry) {
        this.url = URI.create(baseUrl.replaceAll("/+$", "") + "/chat/completions");
        this.key = apiKey == null ? "" : apiKey;
        this.timeout = timeout;
        this.retry = retry;
        Duration connect = Duration.ofSeconds(10);
        this.http = HttpClient.newBuilder().connectTimeout(timeout.compareTo(connect) < 0 ? timeout : connect).build();
    }

    /** The endpoint requests go to, {@code <base>/chat/completions}. */
    public URI url() {
        return url;
    }

    /** The key from OPENAI_API_KEY, or empty (local servers usually ignore it). */
    public static String keyFromEnvironment() {
        String k = System.getenv("OPENAI_API_KEY");
        return k == null ? "" : k;
    }

    /** Sends one request body and returns the parsed response; non-200 answers and non-JSON bodies throw. */
    public JsonNode complete(ObjectNode body) throws IOException {
        return complete(body, response -> response);
    }

    /**
     * As {@link #complete(ObjectNode)}, then {@code reader} on the response; a reply it rejects counts as a failed
     * try. After the last try, the last failure is thrown, saying how many tries were made.
     */
    public <T> T complete(ObjectNode body, ReplyReader<T> reader) throws IOException {
        String json = Json.MAPPER.writeValueAsString(body);
        IOException last = null;
        for (int attempt = 0; attempt < retry.attempts(); attempt++) {
            if (attempt > 0) sleep(retry.backoffMillis(attempt));
            try {
                return reader.read(send(json));
            } catch (HttpStatusException e) {
                if (!e.retryable()) throw e;
                last = e;
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) throw e;
                last = e;
            }
        }
        if (retry.attempts() == 1) throw last;
        throw new IOException("failed after " + retry.attempts() + " attempts: " + last, last);
    }

    private JsonNode send(String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (!key.isEmpty()) b.header("Authorization", "Bearer " + key);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        if (r.statusCode() != 200) throw new HttpStatusException(url, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** Keeps the thread's interrupt flag for the caller to see. */
    private static IOException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new InterruptedIOException("interrupted");
    }
}
