package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** Starting a server on a free loopback port, and raw HTTP for what the client libraries would not send. */
final class ServeTestSupport {
    private ServeTestSupport() {}

    static Path script() {
        return Path.of("src/test/resources/serve/script.json");
    }

    static ChatServer start(ModelBackend backend) throws IOException {
        ChatServer server = new ChatServer(backend, "127.0.0.1", 0);
        server.start();
        return server;
    }

    static String baseUrl(ChatServer server) {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** An openai-java client for the server (any key, no retries). */
    static OpenAIClient client(ChatServer server) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl(server)).apiKey("x").maxRetries(0).build();
    }

    static HttpResponse<String> post(ChatServer server, String path, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl(server) + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(ChatServer server, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl(server) + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
