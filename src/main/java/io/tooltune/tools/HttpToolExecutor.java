package io.tooltune.tools;

import io.tooltune.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts calls to a ToolBench-style service: StableToolBench's {@code /virtual} or the RapidAPI pass-through
 * ({@code toolbench_url}, key in the {@code toolbench_key} header). Non-200 answers throw {@link HttpStatusException}.
 */
public final class HttpToolExecutor implements ToolExecutor {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI url;
    private final Duration timeout;

    public HttpToolExecutor(String url, Duration timeout) {
        this.url = URI.create(url);
        this.timeout = timeout;
    }

    /** Thrown for an HTTP status other than 200; ToolBench turns it into observation code 12. */
    public static final class HttpStatusException extends IOException {
        public final int status;

        public HttpStatusException(int status) {
            super("status_code=" + status);
            this.status = status;
        }
    }

    @Override
    public String execute(ToolRequest request) throws IOException {
        HttpRequest http = HttpRequest.newBuilder(url).timeout(timeout)
                .header("accept", "application/json").header("Content-Type", "application/json")
                .header("toolbench_key", request.toolbenchKey() == null ? "" : request.toolbenchKey())
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(request.toJson())))
                .build();
        try {
            HttpResponse<String> r = client.send(http, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new HttpStatusException(r.statusCode());
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
