package io.tooltune.tools;

import java.io.IOException;

/**
 * Executes one tool call and returns the service's JSON body {@code {"error": ..., "response": ...}} as text,
 * exactly as served (so cached responses stay byte-identical end to end).
 */
public interface ToolExecutor {
    String execute(ToolRequest request) throws IOException;
}
