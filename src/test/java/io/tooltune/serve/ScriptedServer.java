package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A server on the test script ("opt-tools", 2,048 words of context) for a whole test class, with its openai-java client. */
final class ScriptedServer implements BeforeAllCallback, AfterAllCallback {
    private ChatServer server;
    private OpenAIClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = ServeTestSupport.start(ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", 2048));
        client = ServeTestSupport.client(server);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    ChatServer server() {
        return server;
    }

    OpenAIClient client() {
        return client;
    }
}
