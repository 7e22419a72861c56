package io.tooltune;

import io.javalin.Javalin;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpServersTest {

    @Test
    void aTakenPortIsNamedInTheError() {
        Javalin first = HttpServers.start(HttpServers.create(c -> {}), "127.0.0.1", 0);
        int port = first.port();
        try {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> HttpServers.start(HttpServers.create(c -> {}), "127.0.0.1", port));
            assertTrue(e.getMessage().startsWith("127.0.0.1:" + port + ": cannot listen there"), e.getMessage());
        } finally {
            first.stop();
        }
    }
}
