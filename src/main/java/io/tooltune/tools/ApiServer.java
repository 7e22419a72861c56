package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.HttpServers;
import io.tooltune.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP face of {@link VirtualApis}: {@code POST /virtual} with StableToolBench's body. A malformed request
 * gets HTTP 422 and a JSON {@code {"error", "response"}}; any failure inside stays in its own exchange.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    public ApiServer(String host, int port, ToolExecutor apis) throws IOException {
        server = HttpServers.bind(host, port, 64);
        server.createContext("/virtual", ex -> handle(ex, apis));
        server.setExecutor(pool);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL agents post to, e.g. {@code http://127.0.0.1:8080/virtual}. */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port() + "/virtual";
    }

    private static void handle(HttpExchange ex, ToolExecutor apis) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                send(ex, 405, error("Method Not Allowed"));
                return;
            }
            ToolRequest request;
            try {
                JsonNode body = Json.MAPPER.readTree(ex.getRequestBody());
                request = ToolRequest.of(body);
            } catch (IOException | IllegalArgumentException e) {
                send(ex, 422, error("Invalid request: " + e.getMessage()));
                return;
            }
            try {
                send(ex, 200, apis.execute(request));
            } catch (IOException | RuntimeException e) {
                send(ex, 500, error("Internal server error: " + e.getMessage()));
            }
        }
    }

    private static String error(String message) throws IOException {
        return Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("error", message).put("response", ""));
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
