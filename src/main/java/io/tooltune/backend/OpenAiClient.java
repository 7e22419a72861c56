package io.tooltune.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** POSTs to an OpenAI-compatible {@code <base>/chat/completions} (base URL ending in /v1, as OpenAI clients take it). */
public final class OpenAiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI url;
    private final String key;
    private final Duration timeout;

    public OpenAiClient(String baseUrl, String apiKey, Duration timeout) {
        this.url = URI.create(baseUrl.replaceAll("/+$", "") + "/chat/completions");
        this.key = apiKey;
        this.timeout = timeout;
    }

    /** The key from OPENAI_API_KEY, or empty (local servers usually ignore it). */
    public static String keyFromEnvironment() {
        String k = System.getenv("OPENAI_API_KEY");
        return k == null ? "" : k;
    }

    /** Sends one request body and returns the parsed response; non-200 answers and non-JSON bodies throw. */
    public JsonNode complete(ObjectNode body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        if (!key.isEmpty()) b.header("Authorization", "Bearer " + key);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException(url + ": HTTP " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())));
            }
            return Json.MAPPER.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
