package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.generate.GenerationConfig;
import io.tooltune.inference.Completion;
import io.tooltune.inference.InferenceRequest;
import io.tooltune.inference.InferenceWorker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A local model in prompt mode. Until chat templates land, the messages are rendered as plain text ("System: ...",
 * "User: ...", each followed by a blank line, then "Assistant:"), which is not how BFCL renders an open model's
 * messages (it uses the model's own chat template); results are comparable between tooltune runs only.
 */
public final class LocalPromptModel implements PromptModel {
    private final InferenceWorker worker;
    private final GenerationConfig config;

    /** Completes on {@code worker} with {@code config}; the caller closes the worker. */
    public LocalPromptModel(InferenceWorker worker, GenerationConfig config) {
        this.worker = worker;
        this.config = config;
    }

    static String render(List<ObjectNode> messages) {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode m : messages) {
            String role = m.path("role").asText();
            String name = role.isEmpty() ? role : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
            sb.append(name).append(": ").append(m.path("content").asText()).append("\n\n");
        }
        return sb.append("Assistant:").toString();
    }

    @Override
    public List<String> complete(List<List<ObjectNode>> conversations) throws IOException {
        List<String> prompts = conversations.stream().map(LocalPromptModel::render).toList();
        List<CompletableFuture<Completion>> futures = new ArrayList<>();
        for (String p : prompts) futures.add(worker.submit(new InferenceRequest(p, config)));
        List<String> out = new ArrayList<>(futures.size());
        for (CompletableFuture<Completion> f : futures) {
            try {
                out.add(f.get().text());
            } catch (InterruptedException e) {
                futures.forEach(x -> x.cancel(true));
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IOException("generation failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        return out;
    }
}
