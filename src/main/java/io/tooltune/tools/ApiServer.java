package io.tooltune.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.tooltune.HttpServers;
import io.tooltune.Json;

import java.io.IOException;

/**
 * The HTTP face of {@link VirtualApis}: {@code POST /virtual} with StableToolBench's body. A malformed request
 * gets HTTP 422 and a JSON {@code {"error", "response"}}; any failure inside stays in its own request.
 */
public final class ApiServer implements AutoCloseable {
    private final Javalin app;
    private final String host;

    public ApiServer(String host, int port, ToolExecutor apis) {
        this.host = host;
        this.app = HttpServers.start(HttpServers.create(config -> {
            config.routes.post("/virtual", ctx -> handle(ctx, apis));
            for (HandlerType other : HandlerType.commonHttp()) {
                if (other != HandlerType.POST && other != HandlerType.HEAD) {
                    config.routes.addHttpHandler(other, "/virtual", ctx -> send(ctx, 405, error("Method Not Allowed")));
                }
            }
        }), host, port);
    }

    public int port() {
        return app.port();
    }

    /** The URL agents post to, e.g. {@code http://127.0.0.1:8080/virtual}. */
    public String url() {
        return "http://" + host + ":" + port() + "/virtual";
    }

    private static void handle(Context ctx, ToolExecutor apis) throws IOException {
        ToolRequest request;
        try {
            JsonNode body = Json.MAPPER.readTree(ctx.req().getInputStream());
            request = ToolRequest.of(body);
        } catch (IOException | IllegalArgumentException e) {
            send(ctx, 422, error("Invalid request: " + e.getMessage()));
            return;
        }
        try {
            send(ctx, 200, apis.execute(request));
        } catch (IOException | RuntimeException e) {
            send(ctx, 500, error("Internal server error: " + e.getMessage()));
        }
    }

    private static String error(String message) throws IOException {
        return Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("error", message).put("response", ""));
    }

    private static void send(Context ctx, int status, String body) {
        ctx.status(status).contentType("application/json").result(body);
    }

    @Override
    public void close() {
        app.stop();
    }
}
