package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A server on the test script ("opt-tools", 2,048 words of context unless told) for a whole test class, with its openai-java client. */
final class ScriptedServer implements BeforeAllCallback, AfterAllCallback {
    private final int contextWords;
    private ChatServer server;
    private OpenAIClient client;

    ScriptedServer() {
        this(2048);
    }

    /** A context of {@code contextWords} words, for tests of what does not fit. */
    ScriptedServer(int contextWords) {
        this.contextWords = contextWords;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = ServeTestSupport.start(ScriptedBackend.load(ServeTestSupport.script(), "opt-tools", contextWords));
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
