package io.tooltune;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/** Creating the JDK's HTTP server with errors a user can act on. */
public final class HttpServers {
    private HttpServers() {}

    /** Binds {@code host:port} (port 0: any free port); a taken port is bad input naming it, not a bare "Address already in use". */
    public static HttpServer bind(String host, int port, int backlog) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(host, port), backlog);
        } catch (BindException e) {
            throw new BadInputException(host + ":" + port + ": cannot listen there (" + e.getMessage()
                    + "); is another server running on that port? Choose another with --port", e);
        }
    }
}
