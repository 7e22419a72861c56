package io.tooltune;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpServersTest {

    @Test
    void aTakenPortIsNamedInTheError() throws Exception {
        HttpServer first = HttpServers.bind("127.0.0.1", 0, 1);
        int port = first.getAddress().getPort();
        try {
            BadInputException e = assertThrows(BadInputException.class, () -> HttpServers.bind("127.0.0.1", port, 1));
            assertTrue(e.getMessage().startsWith("127.0.0.1:" + port + ": cannot listen there"), e.getMessage());
        } finally {
            first.stop(0);
        }
    }
}
