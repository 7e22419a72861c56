package io.tooltune.serve;

import java.util.List;

/** What goes back to the client: plain content, or tool calls (content null, finish_reason "tool_calls"). */
public record AssistantReply(String content, List<ChatRequest.ToolCall> toolCalls, String finishReason) {
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
