package io.tooltune.cli;

import io.javalin.Javalin;
import io.tooltune.HttpServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serve and apis on a port already taken: exit 2 with the address named, not a stack trace. */
class ServeCommandTest {
    @Test
    void aTakenPortIsBadInputForBothServers(@TempDir Path tmp) {
        Javalin taken = HttpServers.start(HttpServers.create(c -> {}), "127.0.0.1", 0);
        try {
            String port = Integer.toString(taken.port());
            CliRun serve = CliRun.of("serve", "--scripted", "src/test/resources/serve/script.json", "--port", port);
            assertEquals(2, serve.code(), serve.err());
            assertTrue(serve.err().contains("127.0.0.1:" + port + ": cannot listen there"), serve.err());
            CliRun apis = CliRun.of("apis", "--cache", tmp.resolve("c.sqlite").toString(), "--port", port);
            assertEquals(2, apis.code(), apis.err());
            assertTrue(apis.err().contains("127.0.0.1:" + port + ": cannot listen there"), apis.err());
        } finally {
            taken.stop();
        }
    }
}
