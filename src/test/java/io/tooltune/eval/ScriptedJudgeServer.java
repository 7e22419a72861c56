package io.tooltune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tooltune.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** An OpenAI-compatible chat completions endpoint on loopback whose function-call verdicts come from a script. */
final class ScriptedJudgeServer implements AutoCloseable {
    private final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    /** Requests to refuse with HTTP 503 before answering (an outage). */
    final AtomicInteger failNext = new AtomicInteger();

    /** {@code script(function, prompt)} returns the function arguments. */
    ScriptedJudgeServer(BiFunction<String, String, ObjectNode> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            requests.incrementAndGet();
            JsonNode req = Json.MAPPER.readTree(ex.getRequestBody());
            byte[] body;
            int code = 200;
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                code = 503;
                body = "{\"error\":\"overloaded\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                String function = req.path("tool_choice").path("function").path("name").asText();
                ObjectNode args = script.apply(function, req.path("messages").path(0).path("content").asText());
                args.put("reason", "scripted");
                ObjectNode res = Json.MAPPER.createObjectNode();
                ObjectNode msg = res.putArray("choices").addObject().putObject("message");
                msg.put("role", "assistant");
                ObjectNode call = msg.putArray("tool_calls").addObject();
                call.put("id", "call_0");
                call.put("type", "function");
                call.putObject("function").put("name", function).put("arguments", args.toString());
                body = res.toString().getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
