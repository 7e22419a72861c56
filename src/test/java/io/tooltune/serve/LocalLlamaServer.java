package io.tooltune.serve;

import com.openai.client.OpenAIClient;
import io.tooltune.Shared;
import io.tooltune.model.Device;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server on the ToolLLaMA-2-like Llama fixture (random weights, 1,024 positions, the ReAct prompt) for a whole
 * test class, served as {@link #MODEL}, with its openai-java client; skipped where ../shared is absent.
 */
final class LocalLlamaServer implements BeforeAllCallback, AfterAllCallback {
    static final String MODEL = "tiny-llama";
    private LocalModelBackend backend;
    private ChatServer server;
    private OpenAIClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        backend = LocalModelBackend.load(Shared.path("fixtures/llama/tiny-llama-linear"), MODEL, 4, Device.CPU);
        server = ServeTestSupport.start(backend);
        client = ServeTestSupport.client(server);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try (LocalModelBackend b = backend; ChatServer s = server) {
            // closes the server, then the backend and its model
        }
    }

    OpenAIClient client() {
        return client;
    }

    ChatServer server() {
        return server;
    }

    LocalModelBackend backend() {
        return backend;
    }
}
