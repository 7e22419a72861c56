package io.tooltune;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.util.JavalinBindException;

import java.util.function.Consumer;

/** The project's HTTP servers: Javalin on Jetty with virtual threads, and bind errors a user can act on. */
public final class HttpServers {
    private HttpServers() {}

    /**
     * A Javalin app with one virtual thread per request, no banner and no response compression (a compressed
     * stream would hold back server-sent events), configured further by {@code routes}.
     */
    public static Javalin create(Consumer<JavalinConfig> routes) {
        return Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            routes.accept(config);
        });
    }

    /** Binds {@code host:port} (port 0: any free port); a taken port is bad input naming it, not a bare "Address already in use". */
    public static Javalin start(Javalin app, String host, int port) {
        try {
            return app.start(host, port);
        } catch (JavalinBindException e) {
            app.stop();
            throw new BadInputException(host + ":" + port + ": cannot listen there (" + e.getMessage()
                    + "); is another server running on that port? Choose another with --port", e);
        }
    }
}
