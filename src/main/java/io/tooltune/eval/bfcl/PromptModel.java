package io.tooltune.eval.bfcl;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;

/**
 * A model in BFCL's prompt mode: chat messages in, the raw reply text out, for several conversations at once (a
 * local model decodes them as one batch). Implemented for OpenAI-compatible endpoints and for local models.
 */
public interface PromptModel {
    List<String> complete(List<List<ObjectNode>> conversations) throws IOException;
}
