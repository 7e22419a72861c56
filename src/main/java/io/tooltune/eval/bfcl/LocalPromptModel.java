package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tooltune.backend.BatchGenerator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A local model in prompt mode. Until chat templates land, the messages are rendered as plain text ("System: ...",
 * "User: ...", each followed by a blank line, then "Assistant:"), which is not how BFCL renders an open model's
 * messages (it uses the model's own chat template); results are comparable between tooltune runs only.
 */
public final class LocalPromptModel implements PromptModel {
    private final BatchGenerator generator;

    public LocalPromptModel(BatchGenerator generator) {
        this.generator = generator;
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
        List<BatchGenerator.Completion> done;
        try {
            done = generator.generate(prompts);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("generation failed: " + e.getMessage(), e);
        }
        List<String> out = new ArrayList<>(done.size());
        for (BatchGenerator.Completion c : done) out.add(c.text());
        return out;
    }
}
